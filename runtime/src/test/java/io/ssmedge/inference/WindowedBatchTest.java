package io.ssmedge.inference;

import io.ssmedge.model.ModelLoader;
import io.ssmedge.model.SsmModel;
import io.ssmedge.testing.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Oracle: streams stepped together in a {@link WindowedBatch} give, sample by sample, what each stream gives on its
 * own with {@link WindowedStream#offer} (a twin stream fed the same samples). Random sample counts per stream per
 * batch (so rounds have fewer members as they go), random inputs, streams joining late and carried to nothing else;
 * states handed back between batches, and single offers mixed in between batches.
 */
class WindowedBatchTest {
    @ParameterizedTest
    @CsvSource({"s5-skab,fixed,60,8,1,false", "s5-skab,fixed,60,60,2,false", "s5-skab,fixed,20,7,3,false",
            "s5-skab,continuous,0,5,4,false", "s4d-skab,fixed,60,8,5,false", "s4d-skab,fixed,30,45,6,false",
            "s4d-skab,continuous,0,3,7,false", "s5-skab,fixed,60,8,8,true", "s4d-skab,fixed,60,8,9,true",
            "s5-skab,continuous,0,5,10,true"})
    void batchedStreamsEqualStreamsOfferedOneByOne(String fixture, String kind, int length, int stride, long seed,
                                                  boolean compact) {
        SsmModel model = ModelLoader.load(Fixtures.dir(fixture));
        WindowSpec spec = kind.equals("fixed") ? WindowSpec.fixed(length, stride) : WindowSpec.continuous(stride);
        SplittableRandom rnd = new SplittableRandom(seed);
        int streams = 37;
        int d = model.inputSize();
        int k = model.outputSize();
        List<WindowedStream> batched = new ArrayList<>();
        List<WindowedStream> alone = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            batched.add(compact ? WindowedStream.compact(model, spec) : new WindowedStream(model, spec));
            alone.add(new WindowedStream(model, spec));
        }
        WindowedBatch batch = new WindowedBatch(model, spec, 32);
        float[] x = new float[d];
        float[] want = new float[k];
        float[] got = new float[k];
        long predictions = 0;
        for (int round = 0; round < 60; round++) {
            // a late stream joins at the position of another (as a shadow model joins)
            if (round == 20) {
                batched.add(WindowedStream.joining(model, batched.get(3)));
                alone.add(WindowedStream.joining(model, alone.get(3)));
            }
            // this batch: up to 32 random streams, each with 0..5 new samples
            List<Integer> picked = new ArrayList<>();
            int[] counts = new int[batched.size()];
            for (int s = 0; s < batched.size() && picked.size() < batch.capacity(); s++) {
                counts[s] = rnd.nextInt(6);
                if (counts[s] > 0 && rnd.nextInt(3) > 0) {
                    picked.add(s);
                } else {
                    counts[s] = 0;
                }
            }
            if (picked.isEmpty()) {
                continue;
            }
            picked.sort(Comparator.comparingInt((Integer s) -> counts[s]).reversed());
            int[] member = new int[batched.size()];
            for (int s : picked) {
                member[s] = batch.add(batched.get(s));
            }
            for (int r = 0; counts[picked.get(0)] > r; r++) {
                int n = 0;
                while (n < picked.size() && counts[picked.get(n)] > r) {
                    n++;
                }
                float[][] xs = new float[n][d];
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < d; c++) {
                        xs[i][c] = (float) (rnd.nextGaussian() * 1.5);
                    }
                    batch.sample(member[picked.get(i)], xs[i]);
                }
                batch.step(n);
                for (int i = 0; i < n; i++) {
                    int s = picked.get(i);
                    boolean ended = alone.get(s).offer(xs[i], want);
                    assertThat(batch.ended(member[s])).as("round %d stream %d: window ended", round, s).isEqualTo(ended);
                    if (ended) {
                        predictions++;
                        batch.prediction(member[s], got);
                        for (int c = 0; c < k; c++) {
                            assertThat(got[c]).as("round %d stream %d class %d", round, s, c).isCloseTo(want[c],
                                    within(1e-4f));
                        }
                    }
                }
            }
            batch.release();
            if (compact) {
                assertThat(batched.get(0).isCompact()).isTrue();
                assertThat(batched.get(batched.size() - 1).isCompact()).as("a stream joining a compact one").isTrue();
                continue; // compact streams step only in a batch
            }
            // between batches a stream may also be offered a sample on its own (its states are its own again)
            int s = rnd.nextInt(batched.size());
            for (int c = 0; c < d; c++) {
                x[c] = (float) rnd.nextGaussian();
            }
            boolean a = alone.get(s).offer(x, want);
            assertThat(batched.get(s).offer(x, got)).isEqualTo(a);
            if (a) {
                assertThat(got).usingComparatorWithPrecision(1e-4f).containsExactly(want);
            }
        }
        for (int s = 0; s < batched.size(); s++) {
            assertThat(batched.get(s).samples()).isEqualTo(alone.get(s).samples());
            assertThat(batched.get(s).openWindows()).isEqualTo(alone.get(s).openWindows());
        }
        assertThat(predictions).as("the run must complete windows to compare").isGreaterThan(20);
    }

    @org.junit.jupiter.api.Test
    void compactStreamsHoldLessAndRefuseOffer() {
        SsmModel model = ModelLoader.load(Fixtures.dir("s5-skab"));
        WindowSpec spec = WindowSpec.fixed(60, 8);
        WindowedStream full = new WindowedStream(model, spec);
        WindowedStream compact = WindowedStream.compact(model, spec);
        assertThat(compact.stateBytes()).isLessThan(full.stateBytes() * 3 / 4);
        assertThatThrownBy(() -> compact.offer(new float[model.inputSize()], new float[model.outputSize()]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("WindowedBatch");
        assertThatThrownBy(() -> model.stepBlock(model.newStateBlock(2), 1, new float[2 * model.inputSize()],
                new float[2 * model.outputSize()])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("states only");
    }
}
