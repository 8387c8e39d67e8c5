package io.ssmedge.agent.stream;

import io.ssmedge.agent.config.LabelsConfig;
import io.ssmedge.agent.config.OverflowPolicy;
import io.ssmedge.agent.config.PayloadFormat;
import io.ssmedge.agent.config.WorkersConfig;
import io.ssmedge.agent.deploy.Deployment;
import io.ssmedge.agent.deploy.DeploymentManager;
import io.ssmedge.agent.labels.LiveScore;
import io.ssmedge.agent.metrics.AgentMetrics;
import io.ssmedge.inference.WindowSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.ssmedge.agent.stream.WorkerPoolTest.MODEL;
import static io.ssmedge.agent.stream.WorkerPoolTest.VERSION;
import static io.ssmedge.agent.stream.WorkerPoolTest.bytes;
import static io.ssmedge.agent.stream.WorkerPoolTest.sensor;
import static org.assertj.core.api.Assertions.assertThat;

/** Streams beyond what the heap holds are refused one by one (no_memory) instead of ending the process. */
class StreamMemoryTest {
    static final long MB = 1 << 20;
    static final WindowSpec SPEC = WindowSpec.fixed(60, 8);
    final AgentMetrics metrics = new AgentMetrics();
    final List<String> rejections = Collections.synchronizedList(new ArrayList<>());
    WorkerPool pool;

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.drainAndStop(Duration.ofSeconds(10));
        }
    }

    WorkerPool pool(DeploymentManager dm, StreamMemory memory, int maxStreams) {
        WorkerContext ctx = new WorkerContext(dm, new SensorPayloadParser(PayloadFormat.AUTO, 65536, MODEL.channels()),
                new LabelPayloadParser(PayloadFormat.AUTO, 65536, MODEL.classes()), LabelsConfig.defaults(),
                new LiveScore(2), metrics, p -> { },
                (stream, kind, reason, message) -> rejections.add(stream + ": " + reason.key() + ": " + message),
                maxStreams, new AtomicInteger(), io.ssmedge.agent.config.Durability.NONE, null,
                io.ssmedge.agent.config.InputConfig.defaults(),
                memory);
        pool = new WorkerPool(ctx, new WorkersConfig(1, 1000, OverflowPolicy.BLOCK, maxStreams));
        return pool;
    }

    /** Old generation sized so that the capacity (old − in use − 10 % headroom) holds {@code streams} and a half. */
    static StreamMemory holding(double streams, Deployment d, int maxStreams, double fullAfterGc) {
        long old = (long) Math.ceil(streams * StreamMemory.bytesPerStream(d) / (1 - StreamMemory.HEADROOM));
        return new StreamMemory(old, old * 4 / 3, 0, maxStreams, () -> fullAfterGc);
    }

    @Test
    void estimateCoversWhatAStreamHolds() {
        DeploymentManager dm = new DeploymentManager(VERSION, SPEC, false);
        pool(dm, null, 10).start();
        pool.submit(sensor("pump-1", bytes("{\"values\":[1,2,3,4,5,6,7,8]}")));
        pool.drainAndStop(Duration.ofSeconds(10));
        StreamSession s = pool.sessions().get(0);
        long arrays = s.stateBytes() + 4L * WorkerContext.ringCapacity(SPEC) * MODEL.channels().size()
                + 8L * WorkerContext.ringCapacity(SPEC);
        long estimate = StreamMemory.bytesPerStream(dm.current());
        // at least the state and ring arrays the session really holds, at most those plus 4 KB of objects
        assertThat(estimate).isGreaterThanOrEqualTo(arrays).isLessThanOrEqualTo(arrays + 4096);
        pool = null;
    }

    @Test
    void refusesStreamsBeyondWhatTheHeapHoldsAndSaysWhatToChange() {
        DeploymentManager dm = new DeploymentManager(VERSION, SPEC, false);
        StreamMemory memory = holding(3.5, dm.current(), 100, 0).follow(dm);
        assertThat(memory.held()).isEqualTo(3);
        assertThat(memory.holdsMaxStreams()).isFalse();
        pool(dm, memory, 100).start();
        for (String s : List.of("a", "b", "c", "d", "e")) {
            pool.submit(sensor(s, bytes("{\"values\":[1,2,3,4,5,6,7,8]}")));
        }
        pool.drainAndStop(Duration.ofSeconds(10));
        assertThat(pool.sessions()).hasSize(3);
        assertThat(metrics.rejectedCount(RejectReason.NO_MEMORY)).isEqualTo(2);
        assertThat(metrics.rejectedCount(RejectReason.TOO_MANY_STREAMS)).isZero();
        assertThat(rejections).hasSize(2).allSatisfy(r -> assertThat(r)
                .contains("no_memory", "holds about 3 streams", "-Xmx", "workers.max_streams", "is ignored"));
        pool = null;
    }

    @Test
    void maxStreamsStillComesFirst() {
        DeploymentManager dm = new DeploymentManager(VERSION, SPEC, false);
        pool(dm, holding(100, dm.current(), 2, 0).follow(dm), 2).start();
        for (String s : List.of("a", "b", "c")) {
            pool.submit(sensor(s, bytes("{\"values\":[1,2,3,4,5,6,7,8]}")));
        }
        pool.drainAndStop(Duration.ofSeconds(10));
        assertThat(metrics.rejectedCount(RejectReason.TOO_MANY_STREAMS)).isEqualTo(1);
        assertThat(metrics.rejectedCount(RejectReason.NO_MEMORY)).isZero();
        pool = null;
    }

    @Test
    void oldGenerationFullAfterCollectionRefusesNewStreams() {
        DeploymentManager dm = new DeploymentManager(VERSION, SPEC, false);
        pool(dm, holding(100, dm.current(), 100, 0.95).follow(dm), 100).start();
        pool.submit(sensor("a", bytes("{\"values\":[1,2,3,4,5,6,7,8]}")));
        pool.drainAndStop(Duration.ofSeconds(10));
        assertThat(pool.sessions()).isEmpty();
        assertThat(rejections).singleElement().asString().contains("no_memory", "full after the last collection");
        assertThat(holding(100, dm.current(), 100, 0.85).fullAfterGc()).isFalse();
        pool = null;
    }

    @Test
    void aShadowModelLowersTheStreamsHeld() {
        DeploymentManager dm = new DeploymentManager(VERSION, SPEC, false);
        StreamMemory memory = holding(100.5, dm.current(), 1000, 0).follow(dm);
        long alone = memory.bytesPerStream();
        assertThat(memory.held()).isEqualTo(100);
        dm.startShadow(DeploymentSwitchTest.OTHER, 1.0); // the same size: its windows' state once more
        long state = io.ssmedge.inference.WindowedStream.compact(DeploymentSwitchTest.OTHER.model(), SPEC).stateBytes();
        assertThat(memory.bytesPerStream()).isEqualTo(alone + state);
        assertThat(memory.held()).isEqualTo((int) (100.5 * alone / (alone + state)));
        dm.stopShadow();
        assertThat(memory.held()).isEqualTo(100);
    }

    @Test
    void theSuggestedHeapHoldsMaxStreams() {
        DeploymentManager dm = new DeploymentManager(VERSION, SPEC, false);
        StreamMemory small = new StreamMemory(24 * MB, 32 * MB, 5 * MB, 10_000, () -> 0).follow(dm);
        assertThat(small.holdsMaxStreams()).isFalse();
        long mb = small.suggestedHeapMb();
        assertThat(small.advice()).contains("-Xmx" + mb + "m");
        StreamMemory sized = new StreamMemory(mb * MB * 3 / 4, mb * MB, 5 * MB, 10_000, () -> 0).follow(dm);
        assertThat(sized.holdsMaxStreams()).isTrue();
        StreamMemory lessBy16 = new StreamMemory((mb - 16) * MB * 3 / 4, (mb - 16) * MB, 5 * MB, 10_000, () -> 0).follow(dm);
        assertThat(lessBy16.holdsMaxStreams()).isFalse(); // the advice is no larger than needed (16 MB steps)
    }

    @Test
    void thisJvmHasAnOldGeneration() {
        assertThat(StreamMemory.oldGeneration()).isNotNull();
        assertThat(StreamMemory.maxHeapSize()).isGreaterThanOrEqualTo(Runtime.getRuntime().maxMemory());
        StreamMemory m = StreamMemory.ofThisJvm(10).follow(new DeploymentManager(VERSION, SPEC, false));
        assertThat(m.held()).isEqualTo(10);
        assertThat(m.describe()).contains("holds about", "KB each");
    }
}
