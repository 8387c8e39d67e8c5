package io.ssmedge.agent.cli;

import io.ssmedge.agent.loadgen.FeedBroker;
import io.ssmedge.agent.loadgen.LoadGenerator;
import io.ssmedge.agent.loadgen.LoadReport;
import io.ssmedge.agent.loadgen.LoadSettings;
import io.ssmedge.model.SsmModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "loadgen", mixinStandardHelpOptions = true,
        description = {"Load test for a running agent: N sensor streams at R samples per second.",
                "Publishes the streams through an MQTT broker, listens to the predictions, and reports the rate reached, the",
                "end-to-end latency and (with --metrics-url) the agent's drops and memory.",
                "Example: ssm-edge loadgen --broker tcp://127.0.0.1:1883 --streams 1000 --rate 10 --duration 30 \\",
                "           --metrics-url http://127.0.0.1:9464/metrics"})
public final class LoadgenCommand implements Callable<Integer> {
    @Option(names = "--broker", defaultValue = "tcp://127.0.0.1:1883", paramLabel = "URI",
            description = "broker to publish to (default: ${DEFAULT-VALUE})")
    String broker;

    @Option(names = "--streams", defaultValue = "100", paramLabel = "N", description = "sensor streams (default: ${DEFAULT-VALUE})")
    int streams;

    @Option(names = "--rate", defaultValue = "10", paramLabel = "HZ",
            description = "samples per second per stream (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "K",
            description = "samples per message, as CSV lines (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--duration", defaultValue = "30", paramLabel = "SECONDS",
            description = "measured seconds (default: ${DEFAULT-VALUE})")
    int duration;

    @Option(names = "--warmup", defaultValue = "10", paramLabel = "SECONDS",
            description = "seconds of load before measuring (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--qos", defaultValue = "0", paramLabel = "Q", description = "QoS of sensor messages, 0 or 1 (default: ${DEFAULT-VALUE})")
    int qos;

    @Option(names = "--topic", defaultValue = "factory/line3/{stream}/sensors", paramLabel = "TOPIC",
            description = "sensor topic, {stream} is replaced (default: ${DEFAULT-VALUE})")
    String topic;

    @Option(names = "--predictions", defaultValue = "factory/line3/+/predictions", paramLabel = "FILTER",
            description = "where predictions arrive (default: ${DEFAULT-VALUE})")
    String predictions;

    @Option(names = "--stream-prefix", defaultValue = "load", paramLabel = "TEXT",
            description = "stream ids are TEXT0, TEXT1, … (default: ${DEFAULT-VALUE})")
    String prefix;

    @Option(names = "--model", defaultValue = "embedded:s5-skab", converter = ModelRef.Converter.class, paramLabel = "MODEL",
            description = "the agent's model, for the channel count (default: ${DEFAULT-VALUE})")
    ModelRef model;

    @Option(names = "--data", paramLabel = "FILE.csv", description = "replay these sensor rows (default: random values)")
    Path data;

    @Option(names = "--metrics-url", paramLabel = "URL",
            description = "the agent's /metrics, to report its drops and memory (e.g. http://127.0.0.1:9464/metrics)")
    String metricsUrl;

    @Option(names = "--stagger", defaultValue = "0", paramLabel = "SAMPLES",
            description = {"give stream i (i mod SAMPLES) samples ahead, so the streams' windows end at different",
                    "moments as on a real plant (use the agent's window stride); 0 = all aligned (default: ${DEFAULT-VALUE})"})
    int stagger;

    @Option(names = "--connections", defaultValue = "0", paramLabel = "N",
            description = {"sender connections to the broker, each with its own thread and a share of the streams;",
                    "0 = one per 40,000 messages/s asked, at most 8 (default: ${DEFAULT-VALUE})"})
    int connections;

    @Option(names = "--serve", paramLabel = "PORT",
            description = {"measure the agent alone: instead of publishing through a broker, be the agent's broker on",
                    "127.0.0.1:PORT and feed its sensor subscription QoS 1 messages as fast as it confirms them (point",
                    "the agent's mqtt.port here; --rate, --qos, --connections and --broker are not used)"})
    Integer serve;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /**
     * One sender connection per 40,000 messages/s, 1 to 8. The load generator's own client (LoadClient) writes the
     * messages of each 1 ms step in one system call; one connection sent 10,000 QoS 1 messages/s for 0.24 cores on
     * the 2-core machine, and each further connection adds a thread that wakes every millisecond.
     */
    static int autoConnections(double messagesPerSecond, int streams) {
        return (int) Math.max(1, Math.min(Math.min(8, streams), Math.ceil(messagesPerSecond / 40_000)));
    }

    @Override
    public Integer call() throws Exception {
        SsmModel m = model.load();
        LoadSettings s = new LoadSettings(broker, streams, rate, batch, duration, warmup, qos, topic, predictions, prefix,
                m.channels(), data, metricsUrl, stagger, connections != 0 ? connections
                : autoConnections(streams * rate / batch, streams));
        if (serve != null) {
            try (FeedBroker feed = new FeedBroker(s, serve)) {
                feed.print(spec.commandLine().getOut(), feed.run(120));
            }
            return 0;
        }
        LoadReport r = new LoadGenerator(s).run();
        r.print(spec.commandLine().getOut(), s);
        return 0;
    }
}
