package io.ssmedge.pruning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssmedge.format.ModelFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Which units of each layer a pruning keeps, and why.
 *
 * @param method        how the units were chosen
 * @param ratio         requested share of units to remove, in percent (0–100)
 * @param seed          random seed (only meaningful for {@link PruningMethod#RANDOM})
 * @param threshold     the global threshold on {@code scores} (NaN for per-layer or random methods)
 * @param unitsPerLayer units each layer had before pruning
 * @param kept          per layer, the sorted indices of the units kept
 * @param scores        per layer, the score of every unit the method ranked by (hᵢ, LAST score, …)
 * @param keptEnergy    per layer, Σ hᵢ over kept units / Σ hᵢ over all units (the H∞ energy kept)
 */
public record PruningPlan(PruningMethod method, double ratio, long seed, double threshold, int[] unitsPerLayer,
                          int[][] kept, double[][] scores, double[] keptEnergy) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public int totalUnits() {
        return Arrays.stream(unitsPerLayer).sum();
    }

    public int totalKept() {
        return Arrays.stream(kept).mapToInt(k -> k.length).sum();
    }

    public int[] keptPerLayer() {
        return Arrays.stream(kept).mapToInt(k -> k.length).toArray();
    }

    /** Share of units actually removed, in percent (ties can keep a few more than asked). */
    public double removedPercent() {
        int t = totalUnits();
        return t == 0 ? 0 : 100.0 * (t - totalKept()) / t;
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("method", method.key());
        o.put("ratio", ratio);
        o.put("seed", seed);
        if (Double.isFinite(threshold)) {
            o.put("threshold", threshold);
        } else {
            o.putNull("threshold");
        }
        o.put("total_units", totalUnits());
        o.put("kept_units", totalKept());
        o.put("removed_percent", removedPercent());
        ArrayNode upl = o.putArray("units_per_layer");
        Arrays.stream(unitsPerLayer).forEach(upl::add);
        ArrayNode kpl = o.putArray("kept_per_layer");
        Arrays.stream(keptPerLayer()).forEach(kpl::add);
        ArrayNode ke = o.putArray("kept_energy");
        Arrays.stream(keptEnergy).forEach(ke::add);
        ArrayNode k = o.putArray("kept");
        for (int[] layer : kept) {
            ArrayNode a = k.addArray();
            Arrays.stream(layer).forEach(a::add);
        }
        ArrayNode s = o.putArray("scores");
        for (double[] layer : scores) {
            ArrayNode a = s.addArray();
            Arrays.stream(layer).forEach(a::add);
        }
        return o;
    }

    public void write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson()) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    public static PruningPlan read(Path file) {
        try {
            return fromJson(file.toString(), JSON.readTree(Files.readString(file)));
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static PruningPlan fromJson(String source, JsonNode o) {
        try {
            PruningMethod m = PruningMethod.parse(o.get("method").asText());
            int[] upl = ints(o.get("units_per_layer"));
            JsonNode k = o.get("kept");
            JsonNode s = o.get("scores");
            int[][] kept = new int[k.size()][];
            double[][] scores = new double[s.size()][];
            for (int l = 0; l < kept.length; l++) {
                kept[l] = ints(k.get(l));
                scores[l] = new double[s.get(l).size()];
                for (int i = 0; i < scores[l].length; i++) {
                    scores[l][i] = s.get(l).get(i).asDouble();
                }
            }
            double[] ke = new double[o.get("kept_energy").size()];
            for (int l = 0; l < ke.length; l++) {
                ke[l] = o.get("kept_energy").get(l).asDouble();
            }
            JsonNode th = o.get("threshold");
            return new PruningPlan(m, o.get("ratio").asDouble(), o.path("seed").asLong(0),
                    th == null || th.isNull() ? Double.NaN : th.asDouble(), upl, kept, scores, ke);
        } catch (RuntimeException e) {
            throw new ModelFormatException(source + ": not a pruning plan (" + e.getMessage() + ")", e);
        }
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }
}
