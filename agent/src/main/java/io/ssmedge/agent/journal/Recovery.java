package io.ssmedge.agent.journal;

import io.ssmedge.agent.deploy.ModelVersion;
import io.ssmedge.agent.stream.Prediction;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * What the journal files of an earlier run say: each stream's recent samples, the predictions that were journaled
 * with their samples, and which of those the broker confirmed.
 */
final class Recovery {
    private final Map<String, SampleRing> rings = new HashMap<>();
    private final Map<Outbox.Key, Prediction> predictions = new LinkedHashMap<>();
    private final Set<Outbox.Key> delivered = new HashSet<>();
    private final BiFunction<String, Double, ModelVersion> versions;

    /** @param versions the model version a recovered prediction names (by fingerprint and pruned ratio) */
    Recovery(BiFunction<String, Double, ModelVersion> versions) {
        this.versions = versions;
    }

    Map<String, SampleRing> rings() {
        return rings;
    }

    ModelVersion version(String fingerprint, double ratio) {
        return versions.apply(fingerprint, ratio);
    }

    /** A journaled prediction (the same window journaled again, by a compaction, is one prediction). */
    void prediction(Prediction p) {
        predictions.put(Outbox.Key.of(p), p);
    }

    void delivered(String stream, double ts) {
        delivered.add(new Outbox.Key(stream, ts));
    }

    /** Journaled predictions the broker has not confirmed, in journal order. */
    Map<Outbox.Key, Prediction> unconfirmed() {
        Map<Outbox.Key, Prediction> open = new LinkedHashMap<>(predictions);
        open.keySet().removeAll(delivered);
        return open;
    }

    Set<Outbox.Key> delivered() {
        return delivered;
    }
}
