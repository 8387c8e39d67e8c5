package io.ssmedge.data;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Sensor recordings in SKAB-style CSV: a header row, one sample per line, columns separated by ';'
 * (or ',' when the header has no ';'), e.g.
 * {@code datetime;Accelerometer1RMS;...;Volume Flow RateRMS;anomaly;changepoint}.
 * Channels are picked by header name; the optional label column holds the class of each sample.
 */
public final class SensorCsv {
    private static final CsvMapper CSV = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);

    private SensorCsv() {
    }

    /**
     * One file's selected columns.
     *
     * @param source  file name
     * @param values  (rows, channels) selected channel values in the order asked for
     * @param labels  (rows) class per sample, or null without a label column
     * @param rows    samples
     * @param firstLine line number (1-based) of the first sample, for messages
     */
    public record Table(String source, float[] values, int[] labels, int rows, int channels, int firstLine) {
    }

    /**
     * Reads one file.
     *
     * @param channels    header names of the channels to take, in model input order
     * @param labelColumn header name of the label column, or null to read no labels
     * @throws DataFormatException naming file, line and column for a missing column, a non-number, NaN or a
     *                             non-integer label
     */
    public static Table read(Path file, List<String> channels, String labelColumn) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(r, file.toString(), channels, labelColumn);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file + ": file not found", e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static Table read(Reader reader, String source, List<String> channels, String labelColumn) throws IOException {
        BufferedReader r = reader instanceof BufferedReader ? (BufferedReader) reader : new BufferedReader(reader);
        String headerLine = r.readLine();
        if (headerLine == null || headerLine.isBlank()) {
            throw new DataFormatException(source + ": empty file (expected a header row with the channel names)");
        }
        if (headerLine.startsWith("\uFEFF")) {
            headerLine = headerLine.substring(1);
        }
        char sep = headerLine.indexOf(';') >= 0 ? ';' : ',';
        CsvSchema schema = CsvSchema.emptySchema().withColumnSeparator(sep);
        List<String> header = new ArrayList<>();
        try (MappingIterator<String[]> h = CSV.readerFor(String[].class).with(schema).readValues(headerLine)) {
            for (String s : h.next()) {
                header.add(s.trim());
            }
        }
        int[] cols = new int[channels.size()];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = header.indexOf(channels.get(i));
            if (cols[i] < 0) {
                throw new DataFormatException(source + ": line 1: no column '" + channels.get(i) + "'; the header has "
                        + header);
            }
        }
        int labelCol = -1;
        if (labelColumn != null) {
            labelCol = header.indexOf(labelColumn);
            if (labelCol < 0) {
                throw new DataFormatException(source + ": line 1: no label column '" + labelColumn + "'; the header has "
                        + header + " (choose another with --label-column)");
            }
        }
        float[] values = new float[1024 * cols.length];
        int[] labels = labelCol >= 0 ? new int[1024] : null;
        int rows = 0;
        int line = 1;
        try (MappingIterator<String[]> it = CSV.readerFor(String[].class).with(schema).readValues(r)) {
            while (it.hasNext()) {
                String[] rec = it.next();
                line++;
                if (rec.length == 1 && rec[0].isBlank()) {
                    continue;
                }
                if (rec.length != header.size()) {
                    throw new DataFormatException(source + ": line " + line + ": " + rec.length + " columns, the header has "
                            + header.size());
                }
                if ((rows + 1) * cols.length > values.length) {
                    values = java.util.Arrays.copyOf(values, values.length * 2);
                }
                for (int i = 0; i < cols.length; i++) {
                    values[rows * cols.length + i] = number(rec[cols[i]], source, line, header.get(cols[i]));
                }
                if (labels != null) {
                    if (rows >= labels.length) {
                        labels = java.util.Arrays.copyOf(labels, labels.length * 2);
                    }
                    float v = number(rec[labelCol], source, line, labelColumn);
                    if (v != Math.rint(v) || v < 0) {
                        throw new DataFormatException(source + ": line " + line + ": column '" + labelColumn
                                + "': expected a class number 0, 1, …, got " + rec[labelCol]);
                    }
                    labels[rows] = (int) v;
                }
                rows++;
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new DataFormatException(source + ": line " + (line + 1) + ": " + e.getOriginalMessage(), e);
        }
        return new Table(source, java.util.Arrays.copyOf(values, rows * cols.length),
                labels == null ? null : java.util.Arrays.copyOf(labels, rows), rows, cols.length, 2);
    }

    private static float number(String s, String source, int line, String column) {
        String t = s.trim();
        float v;
        try {
            v = Float.parseFloat(t);
        } catch (NumberFormatException e) {
            throw new DataFormatException(source + ": line " + line + ": column '" + column + "': expected a number, got '"
                    + s + "'");
        }
        if (!Float.isFinite(v)) {
            throw new DataFormatException(source + ": line " + line + ": column '" + column + "': expected a finite number, got "
                    + s);
        }
        return v;
    }

    /**
     * Cuts causal windows from each table: window j of a file covers samples [j·stride, j·stride + length),
     * its label is the label of its last sample. Windows never span two files.
     */
    public static WindowSet windows(List<Table> tables, int length, int stride) {
        if (length < 1 || stride < 1) {
            throw new IllegalArgumentException("window length and stride must be ≥ 1");
        }
        int d = tables.isEmpty() ? 0 : tables.get(0).channels();
        boolean labeled = !tables.isEmpty() && tables.stream().allMatch(t -> t.labels() != null);
        int n = 0;
        for (Table t : tables) {
            if (t.rows() >= length) {
                n += (t.rows() - length) / stride + 1;
            }
        }
        float[] x = new float[n * length * d];
        int[] y = labeled ? new int[n] : null;
        int w = 0;
        for (Table t : tables) {
            for (int start = 0; start + length <= t.rows(); start += stride) {
                System.arraycopy(t.values(), start * d, x, w * length * d, length * d);
                if (y != null) {
                    y[w] = t.labels()[start + length - 1];
                }
                w++;
            }
        }
        return new WindowSet(x, y, n, length, d, false);
    }

    /** The .csv files under a path (itself if a file), sorted by path, for reproducible window order. */
    public static List<Path> files(Path path) {
        if (Files.isRegularFile(path)) {
            return List.of(path);
        }
        if (!Files.isDirectory(path)) {
            throw new DataFormatException(path + ": no such file or directory");
        }
        try (Stream<Path> s = Files.walk(path)) {
            List<Path> out = s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().endsWith(".csv"))
                    .sorted().toList();
            if (out.isEmpty()) {
                throw new DataFormatException(path + ": no .csv files in this directory");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
