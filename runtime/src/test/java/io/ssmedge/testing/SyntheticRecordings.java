package io.ssmedge.testing;

import io.ssmedge.data.SensorCsv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A tiny labeled anomaly task for training tests: channels a and b are noise around 5 and 100; during an
 * anomaly (stretches of 10–19 samples) a shifts by +1.2 and b oscillates with amplitude 6.
 */
public final class SyntheticRecordings {
    private SyntheticRecordings() {
    }

    public static List<SensorCsv.Table> tables(int files, int rows, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<SensorCsv.Table> out = new ArrayList<>();
        for (int f = 0; f < files; f++) {
            float[] v = new float[rows * 2];
            int[] y = new int[rows];
            int left = 0;
            for (int i = 0; i < rows; i++) {
                if (left == 0 && r.nextDouble() < 0.03) {
                    left = 10 + r.nextInt(10);
                }
                boolean an = left > 0;
                if (left > 0) {
                    left--;
                }
                y[i] = an ? 1 : 0;
                v[2 * i] = (float) (5 + 0.5 * r.nextGaussian() + (an ? 1.2 : 0));
                v[2 * i + 1] = (float) (100 + 3 * r.nextGaussian() + (an ? 6 * Math.sin(i * 1.3) : 0));
            }
            out.add(new SensorCsv.Table("f" + f + ".csv", v, y, rows, 2, 2));
        }
        return out;
    }

    /** Writes the tables as SKAB-style CSV files f0.csv, f1.csv, … (datetime;a;b;anomaly) into dir. */
    public static List<Path> write(Path dir, int files, int rows, long seed) {
        List<Path> out = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (SensorCsv.Table t : tables(files, rows, seed)) {
                StringBuilder sb = new StringBuilder("datetime;a;b;anomaly\n");
                for (int i = 0; i < t.rows(); i++) {
                    sb.append(String.format(Locale.ROOT, "2024-01-01 00:%02d:%02d;%s;%s;%d%n", i / 60 % 60, i % 60,
                            Float.toString(t.values()[2 * i]), Float.toString(t.values()[2 * i + 1]), t.labels()[i]));
                }
                Path p = dir.resolve(t.source());
                Files.writeString(p, sb);
                out.add(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
