package io.ssmedge.eval;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ConfusionMatrixTest {
    @Test
    void ratesOfATwoClassExampleWorkedByHand() {
        // actual normal: 90 right, 10 false alarms; actual anomaly: 30 found, 20 missed
        ConfusionMatrix m = new ConfusionMatrix(2);
        add(m, 0, 0, 90);
        add(m, 0, 1, 10);
        add(m, 1, 1, 30);
        add(m, 1, 0, 20);
        assertThat(m.total()).isEqualTo(150);
        assertThat(m.count(1, 0)).isEqualTo(20);
        assertThat(m.accuracy()).isCloseTo(120 / 150.0, within(1e-12));
        assertThat(m.falseAlarmRate()).isCloseTo(10 / 100.0, within(1e-12));
        assertThat(m.missRate()).isCloseTo(20 / 50.0, within(1e-12));
        // precision 30/40, recall 30/50: F1 = 2·30 / (2·30 + 10 + 20)
        assertThat(m.f1()).isCloseTo(60 / 90.0, within(1e-12));
    }

    @Test
    void everyClassOtherThanZeroIsAnAnomaly() {
        ConfusionMatrix m = new ConfusionMatrix(3);
        m.add(2, 1); // an anomaly called another anomaly: wrong class, but neither a miss nor a false alarm
        m.add(1, 0); // missed
        m.add(0, 2); // false alarm
        m.add(0, 0);
        assertThat(m.accuracy()).isCloseTo(0.25, within(1e-12));
        assertThat(m.missRate()).isCloseTo(0.5, within(1e-12));
        assertThat(m.falseAlarmRate()).isCloseTo(0.5, within(1e-12));
        assertThat(m.f1()).isCloseTo(2 / 4.0, within(1e-12)); // tp 1, fp 1, fn 1
    }

    @Test
    void emptyOrOneSidedMatricesGiveNaNNotZero() {
        ConfusionMatrix m = new ConfusionMatrix(2);
        assertThat(m.accuracy()).isNaN();
        assertThat(m.f1()).isNaN();
        m.add(0, 0);
        assertThat(m.missRate()).as("no anomalies seen").isNaN();
        assertThat(m.falseAlarmRate()).isZero();
    }

    @Test
    void countsIsACopy() {
        ConfusionMatrix m = new ConfusionMatrix(2);
        m.add(1, 1);
        long[][] c = m.counts();
        c[1][1] = 99;
        assertThat(m.count(1, 1)).isEqualTo(1);
        assertThat(m.classes()).isEqualTo(2);
    }

    private static void add(ConfusionMatrix m, int actual, int predicted, int n) {
        for (int i = 0; i < n; i++) {
            m.add(actual, predicted);
        }
    }
}
