package io.ssmedge.agent.loadgen;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code ssm-edge loadgen} does.
 *
 * @param broker          tcp://host:port (loopback for benchmarks)
 * @param streams         sensor streams simulated
 * @param rateHz          samples per second per stream
 * @param batch           samples per message (1 = one sample per message)
 * @param seconds         measured duration
 * @param warmupSeconds   load before measuring (JIT warm-up, streams created)
 * @param qos             QoS of sensor messages
 * @param sensorTopic     topic per stream, {stream} replaced
 * @param predictions     filter the predictions arrive on
 * @param streamPrefix    stream ids are prefix0, prefix1, …
 * @param channels        values per sample
 * @param data            optional CSV rows to replay (else synthetic values)
 * @param metricsUrl      optional daemon /metrics address for drops, latency and memory
 * @param stagger         before the warm-up, stream i gets (i mod stagger) extra samples, so the streams' windows
 *                        do not all end at the same moment (0 = aligned: every stream predicts at once)
 * @param connections     sender connections, each with its own thread and share of the streams (one Paho client
 *                        confirms only so many QoS 1 messages per second)
 */
public record LoadSettings(String broker, int streams, double rateHz, int batch, int seconds, int warmupSeconds, int qos,
                           String sensorTopic, String predictions, String streamPrefix, List<String> channels, Path data,
                           String metricsUrl, int stagger, int connections) {
    public LoadSettings {
        if (connections < 1 || connections > streams) {
            throw new IllegalArgumentException("--connections must be between 1 and the number of streams (" + streams
                    + "), got " + connections);
        }
        if (stagger < 0) {
            throw new IllegalArgumentException("--stagger must be ≥ 0");
        }
        if (streams < 1 || rateHz <= 0 || batch < 1 || seconds < 1 || warmupSeconds < 0 || qos < 0 || qos > 1) {
            throw new IllegalArgumentException("loadgen needs streams ≥ 1, rate > 0, batch ≥ 1, duration ≥ 1, warmup ≥ 0 "
                    + "and qos 0 or 1");
        }
        if (!sensorTopic.contains("{stream}")) {
            throw new IllegalArgumentException("--topic must contain {stream}, got " + sensorTopic);
        }
    }

    /** The sensor topic of each stream (streamPrefix + index in place of {stream}), UTF-8. */
    public byte[][] sensorTopics() {
        byte[][] t = new byte[streams][];
        for (int i = 0; i < streams; i++) {
            t[i] = sensorTopic.replace("{stream}", streamPrefix + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        return t;
    }

    public double samplesPerSecond() {
        return streams * rateHz;
    }
}
