package io.ssmedge.agent.stream;

import java.util.Arrays;

/** Labels read from one message (ts and class index), in a buffer its owner reuses. */
public final class LabelBatch {
    private double[] ts = new double[8];  // (capacity) epoch ms
    private int[] label = new int[8];     // (capacity) class index
    private int count;

    public int count() {
        return count;
    }

    public void clear() {
        count = 0;
    }

    void add(double tsMillis, int classIndex) {
        if (count == ts.length) {
            ts = Arrays.copyOf(ts, count * 2);
            label = Arrays.copyOf(label, count * 2);
        }
        ts[count] = tsMillis;
        label[count++] = classIndex;
    }

    public double ts(int i) {
        return ts[i];
    }

    public int label(int i) {
        return label[i];
    }
}
