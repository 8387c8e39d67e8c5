package io.ssmedge.agent.simulator;

import io.ssmedge.data.SensorCsv;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Recorded SKAB-style CSVs (';'-separated, the 8 channels by name, an {@code anomaly} column): one stream per file,
 * named folder-file (valve1/3.csv → valve1-3), row i published as sample i.
 */
final class ReplaySource implements SampleSource {
    private final List<String> names = new ArrayList<>();
    private final List<SensorCsv.Table> tables = new ArrayList<>();

    ReplaySource(Path dirOrFile) {
        this(SensorCsv.files(dirOrFile), dirOrFile);
    }

    /** The given files; {@code root} is the folder they were found in (names use their own folder). */
    ReplaySource(List<Path> files, Path root) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("--replay " + root + ": no .csv files there");
        }
        for (Path f : files) {
            SensorCsv.Table t;
            try {
                t = SensorCsv.read(f, PumpStream.CHANNELS, "anomaly");
            } catch (io.ssmedge.data.DataFormatException noLabels) { // e.g. anomaly-free.csv: normal throughout
                t = SensorCsv.read(f, PumpStream.CHANNELS, null);
            }
            tables.add(t);
            String file = f.getFileName().toString().replaceFirst("\\.csv$", "");
            Path parent = f.getParent();
            String name = parent == null || files.size() == 1 && f.equals(root) ? file
                    : parent.getFileName() + "-" + file;
            names.add(name.replaceAll("[^A-Za-z0-9_.-]", "_")); // a stream id is one MQTT topic level
        }
    }

    @Override
    public List<String> streams() {
        return List.copyOf(names);
    }

    @Override
    public int next(int s, long i, double tsMillis, float[] out) {
        SensorCsv.Table t = tables.get(s);
        if (i >= t.rows()) {
            return -1;
        }
        System.arraycopy(t.values(), (int) i * t.channels(), out, 0, t.channels());
        return t.labels() == null ? 0 : t.labels()[(int) i];
    }

    @Override
    public String faultName(int s) {
        return "";
    }
}
