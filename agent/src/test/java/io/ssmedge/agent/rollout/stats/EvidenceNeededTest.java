package io.ssmedge.agent.rollout.stats;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class EvidenceNeededTest {
    @Test
    void matchesTheMedianTimeASimulatedBoundNeeds() {
        // discordant pairs 5 % each way (true drop 0, variance 0.1 on [−1, 1]); when does upper < 0.02?
        double delta = 0.02;
        long predicted = EvidenceNeeded.observations(delta, 0.1, 2, 0.05);
        int seeds = 60;
        long[] first = new long[seeds];
        for (int s = 0; s < seeds; s++) {
            SplittableRandom r = new SplittableRandom(100 + s);
            ConfidenceSequence cs = new ConfidenceSequence(-1, 1, 0.05, 0.05);
            long i = 0;
            while (cs.upper() >= delta && i < 20 * predicted) {
                double u = r.nextDouble();
                cs.add(u < 0.05 ? -1 : u < 0.10 ? 1 : 0);
                i++;
            }
            first[s] = i;
        }
        Arrays.sort(first);
        long median = first[seeds / 2];
        assertThat((double) median / predicted).isBetween(0.5, 2.0);
    }

    @Test
    void growsLikeTheInverseSquareOfTheDistance() {
        long a = EvidenceNeeded.observations(0.04, 0.1, 2, 0.05);
        long b = EvidenceNeeded.observations(0.02, 0.1, 2, 0.05);
        // 1/δ² scaling with a slowly growing log factor: between 3.5× and 5× for half the distance
        assertThat((double) b / a).isBetween(3.5, 5.0);
        // leading term 2σ² log(1/α)/δ² (Bernstein) is a lower bound
        assertThat((double) b).isGreaterThan(2 * 0.1 * Math.log(20) / (0.02 * 0.02));
        assertThat(EvidenceNeeded.observations(0, 0.1, 2, 0.05)).isEqualTo(EvidenceNeeded.CAP);
    }
}
