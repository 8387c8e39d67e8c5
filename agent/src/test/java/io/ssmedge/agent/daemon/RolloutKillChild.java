package io.ssmedge.agent.daemon;

import io.ssmedge.agent.broker.BrokerSettings;
import io.ssmedge.agent.broker.EmbeddedBroker;
import io.ssmedge.agent.config.AgentConfig;
import io.ssmedge.agent.config.BrokerConfig;
import io.ssmedge.agent.config.Durability;
import io.ssmedge.agent.config.HttpConfig;
import io.ssmedge.agent.config.ModelConfig;
import io.ssmedge.agent.config.OverflowPolicy;
import io.ssmedge.agent.config.RolloutConfig;
import io.ssmedge.agent.config.TopicsConfig;
import io.ssmedge.agent.config.WindowConfig;
import io.ssmedge.agent.config.WorkersConfig;
import io.ssmedge.agent.deploy.ModelVersion;
import io.ssmedge.agent.testing.Recording;
import io.ssmedge.agent.testing.TestClient;
import io.ssmedge.model.ModelLoader;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Child JVM of {@link AgentRolloutKillTest}: an embedded broker and the agent with a quick staged rollout, its state
 * in {@code args[0]} (the one data_dir); then sensor samples and labels of four streams as fast as the broker takes
 * them, until it is killed. Prints "STARTED ratio version" once the agent has resumed the rollout (before any
 * traffic) and "SERVING ratio version" at every deployment change.
 */
public final class RolloutKillChild {
    private RolloutKillChild() {
    }

    /** The rollout every run resumes: stages 10, 20, 30 % with small evidence amounts and relaxed limits. */
    static RolloutConfig rollout() {
        return RolloutConfig.defaults().withEnabled(true).withRatios(List.of(10, 20, 30))
                .withLimits(new RolloutConfig.Limits(0.30, 1.0, 1.0, 0.7))
                .withStatistics(new RolloutConfig.Statistics(0.05, 0.05, 0.3, 0.05, 1))
                .withProbation(new RolloutConfig.Probation(10, 24))
                .withMonitoring(new RolloutConfig.Monitoring(1.0, 100_000, 0.2));
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        int run = Integer.parseInt(args[1]);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        AgentConfig d = AgentConfig.defaults();
        AgentConfig cfg = d.withModel(new ModelConfig("embedded:s5-skab", "test", null, new WindowConfig(20, 20, false)))
                .withMqtt(d.mqtt().withPort(port).withClientId("kill-" + run))
                .withTopics(new TopicsConfig("plant/+/sensors", 1, "plant/+/labels", 1, "plant/{stream}/predictions", 0,
                        "ssm-edge/{client_id}/status", "ssm-edge/{client_id}/errors"))
                .withWorkers(new WorkersConfig(2, 100_000, OverflowPolicy.BLOCK, 1000))
                .withHttp(new HttpConfig(false, "127.0.0.1", 0, null, 65536))
                .withBroker(BrokerConfig.embeddedOnLoopback())
                .withDurability(data, Durability.PROCESSED) // the rollout lives in data/rollout (data_dir)
                .withRollout(rollout());
        EmbeddedBroker broker = EmbeddedBroker.start(BrokerSettings.forAgent(cfg));
        Agent agent = Agent.start(cfg);
        agent.rollout().engine().addEventListener(e -> {
            System.out.println("EVENT " + e.get("type").asText() + " " + e.path("ratio").asInt() + " " + e.path("reason").asText());
            System.out.flush();
        });
        ModelVersion v = agent.deployments().serving();
        System.out.println("STARTED " + Math.round(v.ratio() * 100) + " " + v.version());
        System.out.flush();
        agent.deployments().addChangeListener(dep -> {
            System.out.println("SERVING " + Math.round(dep.serving().ratio() * 100) + " " + dep.serving().version());
            System.out.flush();
        });
        if (!agent.subscriber().awaitReady(Duration.ofSeconds(30)) || !agent.publisher().awaitReady(Duration.ofSeconds(30))) {
            System.out.println("NOT CONNECTED");
            return;
        }
        Recording rec = Recording.fixture(ModelLoader.loadEmbedded("s5-skab"));
        List<String> streams = List.of("p1", "p2", "p3", "p4");
        double base = Recording.BASE_TS + run * 100_000_000.0; // later timestamps every run (a fresh broker and agent)
        try (TestClient client = new TestClient("tcp://127.0.0.1:" + broker.port(), "kill-feeder-" + run)) {
            for (long i = 0; ; i++) {
                Recording lap = rec.at(base + (double) (i / rec.rows()) * rec.rows() * 1000, 1000);
                int row = (int) (i % rec.rows());
                for (String s : streams) {
                    client.publish("plant/" + s + "/sensors", lap.json(row), 0);
                    client.publish("plant/" + s + "/labels", lap.label(row), 0);
                }
                if (i % 200 == 0) {
                    Thread.sleep(1); // leave the two cores to the agent now and then
                }
            }
        }
    }
}
