package io.ssmedge.agent.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Metrics reporting (section {@code metrics}).
 *
 * @param reportIntervalSeconds how often the "recent" latency figures and rates are renewed and one summary
 *                              line is logged
 */
public record MetricsConfig(int reportIntervalSeconds) {
    public MetricsConfig {
        Check.range("report_interval_seconds", reportIntervalSeconds, 0, 1, 3600);
    }

    @JsonCreator
    static MetricsConfig fromYaml(@JsonProperty("report_interval_seconds") Integer reportIntervalSeconds) {
        return new MetricsConfig(reportIntervalSeconds == null ? 10 : reportIntervalSeconds);
    }

    public static MetricsConfig defaults() {
        return fromYaml(null);
    }
}
