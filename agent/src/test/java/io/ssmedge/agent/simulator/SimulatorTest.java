package io.ssmedge.agent.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ssmedge.agent.testing.TestBroker;
import io.ssmedge.agent.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

class SimulatorTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final double START = 1_764_000_000_000.0; // a fixed clock: the messages depend only on the settings

    @TempDir
    Path dir;

    /** Collects what the simulator publishes. */
    static class ListSink implements MessageSink {
        final List<String> topics = new ArrayList<>();
        final List<String> payloads = new ArrayList<>();

        @Override
        public void publish(String topic, byte[] payload) {
            topics.add(topic);
            payloads.add(new String(payload, StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
        }

        List<JsonNode> on(String topic) {
            List<JsonNode> out = new ArrayList<>();
            for (int i = 0; i < topics.size(); i++) {
                if (topics.get(i).equals(topic)) {
                    out.add(read(payloads.get(i)));
                }
            }
            return out;
        }
    }

    static JsonNode read(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(s, e);
        }
    }

    static SimulatorSettings settings(int streams, double seconds) {
        return SimulatorSettings.defaults(START).withStreams(streams).withTiming(10, seconds, false)
                .withTopics("t/{stream}/sensors", "t/{stream}/labels");
    }

    static ListSink run(SimulatorSettings s) {
        ListSink sink = new ListSink();
        new Simulator(s).run(sink);
        return sink;
    }

    static double[] channel(List<JsonNode> samples, int channel, int from, int to) {
        double[] v = new double[to - from];
        for (int i = from; i < to; i++) {
            v[i - from] = samples.get(i).get("values").get(channel).asDouble();
        }
        return v;
    }

    static double mean(double[] v) {
        return java.util.Arrays.stream(v).average().orElseThrow();
    }

    @Test
    void theSameSeedGivesTheSameMessagesAndAnotherSeedOthers() {
        SimulatorSettings s = settings(3, 120).withFaults(List.of("20s leak pump02"), 30);
        ListSink a = run(s);
        ListSink b = run(s);
        assertThat(a.payloads).hasSize(2 * 3 * 1200);
        assertThat(b.topics).isEqualTo(a.topics);
        assertThat(b.payloads).isEqualTo(a.payloads);
        ListSink c = run(s.withSeed(2));
        assertThat(c.payloads).isNotEqualTo(a.payloads);
        // timestamps: sample i of every stream at START + 100 ms · i
        List<JsonNode> p1 = a.on("t/pump01/sensors");
        assertThat(p1.get(7).get("ts").asDouble()).isEqualTo(START + 700);
        assertThat(p1.get(7).get("values")).hasSize(8);
    }

    @Test
    void normalRunningHasTheSkabTestBedsMagnitudes() {
        ListSink sink = run(settings(3, 300));
        // SKAB anomaly-free.csv means (high-flow point) and the valve runs' means (low-flow point, every third pump)
        double[] high = {0.2126, 0.2684, 2.403, 0.1113, 89.47, 28.47, 228.6, 125.2};
        double[] low = {0.027, 0.040, 0.975, 0.063, 70.3, 25.0, 230.7, 32.2};
        List<JsonNode> p1 = sink.on("t/pump01/sensors");
        List<JsonNode> p3 = sink.on("t/pump03/sensors");
        for (int c = 0; c < 8; c++) {
            double tolerance = c == 3 ? 0.05 : 0.15; // pressure is near 0 with ±0.25 bar noise
            assertThat(mean(channel(p1, c, 0, p1.size()))).as("pump01 channel " + c)
                    .isCloseTo(high[c], within(Math.max(tolerance * Math.abs(high[c]), 0.05)));
            assertThat(mean(channel(p3, c, 0, p3.size()))).as("pump03 channel " + c)
                    .isCloseTo(low[c], within(Math.max(tolerance * Math.abs(low[c]), 0.05)));
        }
        assertThat(sink.on("t/pump01/labels")).hasSize(3000).allSatisfy(l -> assertThat(l.get("label").asInt()).isZero());
    }

    @ParameterizedTest
    @EnumSource(FaultKind.class)
    void aScheduledFaultShowsInTheLabelsAndTheValuesOfItsStreamOnly(FaultKind kind) {
        SimulatorSettings clean = settings(3, 40);
        ListSink normal = run(clean);
        ListSink faulty = run(clean.withFaults(List.of("10s " + kind.key() + " pump02 for 20s"), 0));
        // labels: 1 exactly for samples 100 … 299 of pump02
        List<JsonNode> labels = faulty.on("t/pump02/labels");
        for (int i = 0; i < labels.size(); i++) {
            assertThat(labels.get(i).get("label").asInt()).as("label of sample " + i).isEqualTo(i >= 100 && i < 300 ? 1 : 0);
        }
        // the other streams and the samples before the fault are untouched
        assertThat(faulty.on("t/pump01/sensors")).isEqualTo(normal.on("t/pump01/sensors"));
        assertThat(faulty.on("t/pump02/sensors").subList(0, 100)).isEqualTo(normal.on("t/pump02/sensors").subList(0, 100));
        // the fault's signature, once built up (samples 200 … 299)
        List<JsonNode> f = faulty.on("t/pump02/sensors");
        List<JsonNode> n = normal.on("t/pump02/sensors");
        switch (kind) {
            case VALVE_CLOSING, LEAK -> assertThat(mean(channel(f, 7, 200, 300)))
                    .isLessThan(0.96 * mean(channel(n, 7, 200, 300)));
            case CAVITATION -> assertThat(mean(channel(f, 0, 200, 300))).isGreaterThan(1.4 * mean(channel(n, 0, 200, 300)));
            case ROTOR_IMBALANCE -> assertThat(mean(channel(f, 0, 200, 300)))
                    .isGreaterThan(2.2 * mean(channel(n, 0, 200, 300)));
            default -> throw new AssertionError(kind);
        }
        // after the fault the pump runs normally again (same values as without it)
        assertThat(f.subList(300, 400)).isEqualTo(n.subList(300, 400));
    }

    @Test
    void labelsCanBeLateMissingOrWrong() {
        SimulatorSettings s = settings(1, 10).withFaults(List.of("2s valve-closing for 3s"), 0);
        List<String> order = run(s.withLabels(true, 2, 0, 0)).topics;
        assertThat(order.indexOf("t/pump01/labels")).as("first label after 2 s of samples = 20 samples").isEqualTo(21);
        assertThat(run(s.withLabels(true, 2, 0, 0)).on("t/pump01/labels")).hasSize(100);
        assertThat(run(s.withLabels(true, 0, 1, 0)).on("t/pump01/labels")).isEmpty();
        assertThat(run(s.withLabels(false, 0, 0, 0)).on("t/pump01/labels")).isEmpty();
        List<JsonNode> right = run(s).on("t/pump01/labels");
        List<JsonNode> wrong = run(s.withLabels(true, 0, 0, 1)).on("t/pump01/labels");
        for (int i = 0; i < right.size(); i++) {
            assertThat(wrong.get(i).get("label").asInt()).isEqualTo(1 - right.get(i).get("label").asInt());
        }
        List<JsonNode> some = run(s.withLabels(true, 0, 0.3, 0)).on("t/pump01/labels");
        assertThat(some.size()).isBetween(50, 90);
    }

    @Test
    void randomFaultsComeAtTheConfiguredRate() {
        // 60 faults per hour per stream, 4 streams, 30 minutes of samples: a fault every ~2.5 min after the first 30 s
        ListSink sink = new ListSink() {
            @Override
            public void publish(String topic, byte[] payload) {
                if (topic.endsWith("/labels")) { // only the labels are looked at: keep them, as text
                    super.publish(topic, payload);
                }
            }
        };
        new Simulator(settings(4, 1800).withFaults(List.of(), 60)).run(sink);
        int starts = 0;
        for (int s = 1; s <= 4; s++) {
            String topic = String.format("t/pump%02d/labels", s);
            boolean before = false;
            for (int i = 0; i < sink.topics.size(); i++) {
                if (sink.topics.get(i).equals(topic)) {
                    boolean fault = sink.payloads.get(i).endsWith("\"label\":1}");
                    starts += fault && !before ? 1 : 0;
                    before = fault;
                }
            }
        }
        assertThat(starts).isBetween(12, 80);
    }

    @Test
    void faultSpecsReadLikeASentence() {
        List<String> names = List.of("pump01", "pump02", "pump03");
        assertThat(FaultSchedule.parse(List.of("2m cavitation pump03 for 45s"), names, 10))
                .containsExactly(new FaultEvent(2, 1200, 450, FaultKind.CAVITATION));
        assertThat(FaultSchedule.parse(List.of("90", "1m30s"), names, 1)).containsExactly(
                new FaultEvent(0, 90, 60, FaultKind.VALVE_CLOSING), new FaultEvent(1, 90, 60, FaultKind.CAVITATION));
        assertThatThrownBy(() -> FaultSchedule.parse(List.of("2m boiling"), names, 10))
                .hasMessageContaining("'boiling'").hasMessageContaining("cavitation");
        assertThatThrownBy(() -> FaultSchedule.parse(List.of("pump02"), names, 10)).hasMessageContaining("give the time");
        // "all": every stream at once, the faults in turn (a storm), or all the named one
        assertThat(FaultSchedule.parse(List.of("5m all for 2m"), names, 1)).containsExactly(
                new FaultEvent(0, 300, 120, FaultKind.VALVE_CLOSING), new FaultEvent(1, 300, 120, FaultKind.CAVITATION),
                new FaultEvent(2, 300, 120, FaultKind.ROTOR_IMBALANCE));
        assertThat(FaultSchedule.parse(List.of("10s leak all"), names, 1)).extracting(FaultEvent::kind)
                .containsOnly(FaultKind.LEAK).hasSize(3);
    }

    @Test
    void labelsTurnWrongFromAGivenTime() {
        SimulatorSettings s = settings(1, 10).withFaults(List.of("2s valve-closing for 3s"), 0);
        List<JsonNode> right = run(s).on("t/pump01/labels");
        List<JsonNode> late = run(s.withLabels(true, 0, 0, 1).withLabelWrongFrom(4)).on("t/pump01/labels");
        for (int i = 0; i < right.size(); i++) {
            int r = right.get(i).get("label").asInt();
            assertThat(late.get(i).get("label").asInt()).as("label %d", i).isEqualTo(i < 40 ? r : 1 - r);
        }
    }

    @Test
    void aStormFaultsEveryPumpAndPublishesItsLabelsWrong() {
        SimulatorSettings s = settings(3, 20);
        Simulator sim = new Simulator(s);
        sim.stormAt(5, 3);    // from 5 s (sample 50) for 3 s (30 samples)
        ListSink sink = new ListSink();
        sim.run(sink);
        assertThat(sim.storms()).containsExactly(new Simulator.Storm(50, 30));
        assertThat(sim.counts().faultySamples.get()).isEqualTo(3 * 30);
        assertThat(sim.counts().labelsWrong.get()).isEqualTo(3 * 30);
        List<JsonNode> calm = run(s).on("t/pump02/sensors");
        List<JsonNode> stormy = sink.on("t/pump02/sensors");
        for (int p = 1; p <= 3; p++) {
            List<JsonNode> labels = sink.on(String.format("t/pump%02d/labels", p));
            for (int i = 0; i < labels.size(); i++) {
                // the samples are faulty (true label 1), the published label says normal
                assertThat(labels.get(i).get("label").asInt()).as("pump %d sample %d", p, i).isZero();
            }
        }
        // only the storm's samples change (pump02's fault: cavitation, vibration up)
        assertThat(stormy.subList(0, 50)).isEqualTo(calm.subList(0, 50));
        assertThat(stormy.get(79).get("values").get(0).asDouble()).isGreaterThan(1.3 * calm.get(79).get("values").get(0).asDouble());
        assertThat(stormy.subList(80, 200)).isEqualTo(calm.subList(80, 200));
    }

    @Test
    void batchedMessagesCarryTheSameSamplesAndLabelsAsArrays() {
        SimulatorSettings s = settings(2, 5).withLabels(true, 0, 0, 0.2);
        ListSink one = run(s);
        ListSink batched = run(s.withBatch(10));
        assertThat(batched.on("t/pump01/sensors")).hasSize(5).allMatch(JsonNode::isArray);
        for (String topic : List.of("t/pump01/sensors", "t/pump02/sensors", "t/pump01/labels", "t/pump02/labels")) {
            List<JsonNode> flat = new ArrayList<>();
            batched.on(topic).forEach(a -> a.forEach(flat::add));
            assertThat(flat).as(topic).isEqualTo(one.on(topic));
        }
    }

    @Test
    void anAcceleratedClockKeepsPlantTimeInTheTimestamps() {
        // 10 plant seconds at 20 times real time: paced over at least half a second, ts still 100 ms apart
        SimulatorSettings s = settings(1, 10).withTiming(10, 10, true).withSpeed(20);
        long t0 = System.nanoTime();
        List<JsonNode> samples = run(s).on("t/pump01/sensors");
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(450_000_000L);
        assertThat(samples).hasSize(100);
        for (int i = 0; i < samples.size(); i++) {
            assertThat(samples.get(i).get("ts").asDouble()).isEqualTo(START + i * 100.0);
        }
        assertThatThrownBy(() -> s.withSpeed(0.5)).hasMessageContaining("--speed");
    }

    @Test
    void csvHoldsWhatWasPublished() throws Exception {
        Path out = dir.resolve("sim.csv");
        ListSink sink = run(settings(2, 5).withCsv(out).withFaults(List.of("1s rotor-imbalance pump02"), 0));
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(1 + 2 * 50);
        assertThat(lines.get(0)).startsWith("stream;datetime;Accelerometer1RMS;").endsWith(";anomaly;fault");
        String row = lines.get(1 + 2 * 20 + 1); // sample 20 of pump02
        assertThat(row).startsWith("pump02;").endsWith(";1;rotor-imbalance");
        JsonNode published = sink.on("t/pump02/sensors").get(20);
        assertThat(Double.parseDouble(row.split(";")[2])).isEqualTo(published.get("values").get(0).asDouble());
    }

    @Test
    void replayPublishesTheCsvRowsThroughABroker() throws Exception {
        Path rec = Files.createDirectories(dir.resolve("valve9"));
        StringBuilder csv = new StringBuilder("datetime;Accelerometer1RMS;Accelerometer2RMS;Current;Pressure;Temperature;"
                + "Thermocouple;Voltage;Volume Flow RateRMS;anomaly;changepoint\n");
        for (int i = 0; i < 30; i++) {
            csv.append("2020-03-09 10:34:").append(10 + i).append(";0.02").append(i).append(";0.04;1.3;0.05;75.5;25.8;")
                    .append(220 + i).append(";32.0;").append(i >= 20 ? "1.0" : "0.0").append(";0.0\n");
        }
        Files.writeString(rec.resolve("1.csv"), csv);
        SimulatorSettings s = SimulatorSettings.defaults(START).withTiming(100, 0, true).withReplay(dir)
                .withTopics("r/{stream}/sensors", "r/{stream}/labels");
        try (TestBroker broker = TestBroker.Kind.EMBEDDED.start(dir);
             TestClient client = new TestClient(broker.uri(), "replay-listener").subscribe("r/#");
             MqttSink sink = new MqttSink(broker.uri(), "replay-sender", null, null)) {
            Simulator sim = new Simulator(s);
            assertThat(sim.streams()).containsExactly("valve9-1");
            assertThat(sim.run(sink)).isEqualTo(30);
            await().atMost(Duration.ofSeconds(30)).until(() -> client.on("/labels").size() == 30);
            List<JsonNode> got = client.on("r/valve9-1/sensors").stream().map(m -> read(m.payload())).toList();
            assertThat(got).hasSize(30);
            for (int i = 0; i < 30; i++) {
                JsonNode v = got.get(i).get("values");
                assertThat(v.get(0).asDouble()).isCloseTo(Double.parseDouble("0.02" + i), within(1e-6));
                assertThat(v.get(6).asDouble()).isEqualTo(220 + i);
                assertThat(got.get(i).get("ts").asDouble()).isEqualTo(START + 10 * i);
            }
            assertThat(client.on("/labels").stream().mapToInt(m -> read(m.payload()).get("label").asInt()).sum())
                    .isEqualTo(10);
        }
    }
}
