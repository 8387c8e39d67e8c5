package io.ssmedge.agent.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Faults given on the command line ({@code --fault-at}). A spec is a few words in any order:
 * a time after the start ({@code 90s}, {@code 2m}, {@code 1h30m}; a bare number is seconds), optionally a second
 * time for how long it lasts ({@code for 45s}; default 60 s), a fault name ({@value #KIND_HELP}; default: the next
 * one in that list) and a stream name ({@code pump03}; default: pump01 for the first spec, pump02 for the second …;
 * {@code all}: every stream at once, the faults in turn unless one is named: a fault storm).
 * Example: {@code --fault-at "2m cavitation pump03 for 45s"}, {@code --fault-at "5m all for 2m"}.
 */
public final class FaultSchedule {
    static final String KIND_HELP = "valve-closing, cavitation, rotor-imbalance, leak";
    static final double DEFAULT_LENGTH_SECONDS = 60;

    private FaultSchedule() {
    }

    /**
     * Parses every spec into a fault event.
     *
     * @param specs       the --fault-at values
     * @param streamNames names of the streams, index = stream
     * @param rateHz      samples per second per stream (times are turned into sample indexes)
     */
    public static List<FaultEvent> parse(List<String> specs, List<String> streamNames, double rateHz) {
        List<FaultEvent> events = new ArrayList<>();
        for (int n = 0; n < specs.size(); n++) {
            String spec = specs.get(n);
            Double at = null;
            Double length = null;
            FaultKind kind = null;
            Integer stream = null;
            boolean all = false;
            for (String word : spec.trim().split("[\\s,]+")) {
                if (word.isEmpty() || word.equalsIgnoreCase("for") || word.equalsIgnoreCase("at")) {
                    continue;
                }
                Double secs = seconds(word);
                FaultKind k = FaultKind.parse(word);
                int s = streamNames.indexOf(word);
                if (secs != null && at == null) {
                    at = secs;
                } else if (secs != null && length == null) {
                    length = secs;
                } else if (k != null && kind == null) {
                    kind = k;
                } else if (s >= 0 && stream == null && !all) {
                    stream = s;
                } else if (s < 0 && word.equalsIgnoreCase("all") && stream == null && !all) {
                    all = true;
                } else {
                    throw new IllegalArgumentException("--fault-at '" + spec + "': '" + word + "' is neither a time "
                            + "(90s, 2m), a fault (" + KIND_HELP + ") nor a stream (" + streamNames.get(0) + " … "
                            + streamNames.get(streamNames.size() - 1) + ", or all), or it is given twice");
                }
            }
            if (at == null) {
                throw new IllegalArgumentException("--fault-at '" + spec + "': give the time after the start, e.g. 90s or 2m");
            }
            double len = length == null ? DEFAULT_LENGTH_SECONDS : length;
            if (len <= 0) {
                throw new IllegalArgumentException("--fault-at '" + spec + "': the length must be more than 0 s");
            }
            long start = Math.round(at * rateHz);
            long samples = Math.max(1, Math.round(len * rateHz));
            if (all) {
                for (int st = 0; st < streamNames.size(); st++) {
                    events.add(new FaultEvent(st, start, samples,
                            kind == null ? FaultKind.values()[st % FaultKind.values().length] : kind));
                }
            } else {
                events.add(new FaultEvent(stream == null ? n % streamNames.size() : stream, start, samples,
                        kind == null ? FaultKind.values()[n % FaultKind.values().length] : kind));
            }
        }
        return List.copyOf(events);
    }

    /** 90, 90s, 2m, 1h, 1h30m, 1.5m → seconds; null when the word is not a time. */
    public static Double seconds(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        if (!w.matches("(\\d+(\\.\\d+)?[hms]?)+")) {
            return null;
        }
        double total = 0;
        var m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)([hms]?)").matcher(w);
        while (m.find()) {
            double v = Double.parseDouble(m.group(1));
            total += switch (m.group(2)) {
                case "h" -> v * 3600;
                case "m" -> v * 60;
                default -> v;
            };
        }
        return total;
    }
}
