package io.ssmedge.agent.cli;

import io.ssmedge.agent.simulator.MqttSink;
import io.ssmedge.agent.simulator.Simulator;
import io.ssmedge.agent.simulator.SimulatorSettings;
import io.ssmedge.agent.stream.Timestamps;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "simulate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Factory simulator: publishes pump sensor streams (the 8 SKAB channels) and their true labels",
                "to an MQTT broker, with daily and load-dependent variation, noise and injectable faults",
                "(valve-closing, cavitation, rotor-imbalance, leak), or replays recorded SKAB-style CSVs.",
                "The same --seed gives the same samples, faults and labels.",
                "Examples: ssm-edge simulate --broker tcp://127.0.0.1:1883 --streams 20 --rate 10",
                "          ssm-edge simulate --broker tcp://127.0.0.1:1883 --fault-at \"2m cavitation pump03 for 45s\"",
                "          ssm-edge simulate --broker tcp://127.0.0.1:1883 --replay ../shared/datasets/skab/valve1 --speed 10"})
public final class SimulateCommand implements Callable<Integer> {
    @Option(names = "--broker", defaultValue = "tcp://127.0.0.1:1883", paramLabel = "URI",
            description = "the broker, tcp://host:port (default ${DEFAULT-VALUE})")
    String broker;

    @Option(names = "--streams", defaultValue = "20", description = "simulated pumps pump01 … (default ${DEFAULT-VALUE})")
    int streams;

    @Option(names = "--rate", paramLabel = "PER_SECOND",
            description = "samples per second per stream (default 10; for --replay: the recording's own 1 per second × --speed)")
    Double rate;

    @Option(names = "--speed", defaultValue = "1", paramLabel = "FACTOR",
            description = {"run the simulated clock this many times faster than the wall clock (default ${DEFAULT-VALUE}):",
                    "--rate samples per simulated second each, timestamps in simulated time, so they run ahead of",
                    "the clock (raise the agent's input.max_future_seconds); for --replay: play the recordings",
                    "this many times faster than recorded"})
    double speed;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "SAMPLES",
            description = "samples per message and stream, sent as a JSON array (default ${DEFAULT-VALUE}); labels likewise")
    int batch;

    @Option(names = "--duration", defaultValue = "0", paramLabel = "SECONDS",
            description = "stop after this many seconds (default: until Ctrl-C, or the end of a replay)")
    double duration;

    @Option(names = "--fault-at", paramLabel = "SPEC",
            description = {"inject a fault: a time after the start, optionally a fault, a stream and a length,",
                    "e.g. \"90s\", \"2m cavitation pump03 for 45s\" (default fault: the next of valve-closing,",
                    "cavitation, rotor-imbalance, leak; default stream: pump01, pump02, … per spec; default 60 s).",
                    "Repeat for more faults"})
    List<String> faultAt = new ArrayList<>();

    @Option(names = "--random-faults", defaultValue = "0", paramLabel = "PER_HOUR",
            description = "random faults per stream and hour (default ${DEFAULT-VALUE})")
    double randomFaults;

    @Option(names = "--no-labels", description = "do not publish the true labels")
    boolean noLabels;

    @Option(names = "--label-delay", defaultValue = "0", paramLabel = "SECONDS",
            description = "publish each label this many seconds after its sample (default ${DEFAULT-VALUE})")
    double labelDelay;

    @Option(names = "--label-missing", defaultValue = "0", paramLabel = "FRACTION",
            description = "leave out this fraction of the labels, e.g. 0.1 (default ${DEFAULT-VALUE})")
    double labelMissing;

    @Option(names = "--label-wrong", defaultValue = "0", paramLabel = "FRACTION",
            description = "publish this fraction of the labels with the wrong value (default ${DEFAULT-VALUE})")
    double labelWrong;

    @Option(names = "--label-wrong-from", defaultValue = "0", paramLabel = "SECONDS",
            description = "--label-wrong applies from this many (simulated) seconds after the start (default ${DEFAULT-VALUE})")
    double labelWrongFrom;

    @Option(names = "--seed", defaultValue = "1", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--sensors-topic", defaultValue = "factory/line3/{stream}/sensors", paramLabel = "TOPIC",
            description = "sensor topic, {stream} replaced (default ${DEFAULT-VALUE}, as in configs/agent.yaml)")
    String sensorsTopic;

    @Option(names = "--labels-topic", defaultValue = "factory/line3/{stream}/labels", paramLabel = "TOPIC",
            description = "label topic, {stream} replaced (default ${DEFAULT-VALUE})")
    String labelsTopic;

    @Option(names = "--replay", paramLabel = "DIR",
            description = "publish the SKAB-style CSVs of this folder (or one file) instead: one stream per file")
    Path replay;

    @Option(names = "--csv", paramLabel = "FILE", description = "also write every published sample to this CSV file")
    Path csv;

    @Option(names = "--start", paramLabel = "EPOCH_MS",
            description = "ts of the first sample (default: now); fix it to get identical files from identical runs")
    Double start;

    @Option(names = "--username", paramLabel = "USER", description = "log in to the broker as USER")
    String username;

    @Option(names = "--password-file", paramLabel = "FILE", description = "file holding the broker password (one line)")
    Path passwordFile;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The settings the options ask for. */
    SimulatorSettings settings() {
        double r = rate != null ? rate : replay != null ? speed : 10;
        return SimulatorSettings.defaults(start != null ? start : Math.floor(Timestamps.nowMillis()))
                .withStreams(streams).withTiming(r, duration, true).withSpeed(replay == null ? speed : 1).withBatch(batch)
                .withSeed(seed)
                .withFaults(faultAt, randomFaults).withLabels(!noLabels, labelDelay, labelMissing, labelWrong).withLabelWrongFrom(labelWrongFrom)
                .withTopics(sensorsTopic, labelsTopic).withReplay(replay).withCsv(csv);
    }

    @Override
    public Integer call() throws Exception {
        SimulatorSettings s = settings();
        Simulator sim = new Simulator(s);
        char[] password = passwordFile == null ? null
                : java.nio.file.Files.readString(passwordFile).strip().toCharArray();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("simulate: %d stream(s) (%s … %s) at %s samples/s to %s; sensors on %s%s%n", sim.streams().size(),
                sim.streams().get(0), sim.streams().get(sim.streams().size() - 1), s.rateHz(), broker, s.sensorTopic(),
                s.labels() ? ", labels on " + s.labelTopic() : "");
        sim.scheduledFaults().forEach(f -> out.printf("  fault %s in %s from %.0f s for %.0f s%n", f.kind().key(),
                sim.streams().get(f.stream()), f.startSample() / s.rateHz(), f.samples() / s.rateHz()));
        out.flush();
        Thread hook = new Thread(sim::stop, "simulate-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (MqttSink sink = new MqttSink(broker, "ssm-edge-simulator-" + ProcessHandle.current().pid(), username, password)) {
            sim.run(sink);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already stopping
            }
        }
        out.println("simulate: " + sim.summary());
        out.flush();
        return 0;
    }
}
