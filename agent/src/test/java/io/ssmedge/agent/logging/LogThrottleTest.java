package io.ssmedge.agent.logging;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogThrottleTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theFirstEventIsLoggedThenAtMostOneLinePerIntervalCountingTheEventsKeptBack() {
        AtomicLong now = new AtomicLong(123 * SECOND);
        LogThrottle t = new LogThrottle(Duration.ofSeconds(10), now::get);

        assertThat(t.due()).as("the first event").isEqualTo(1);
        now.addAndGet(SECOND);
        assertThat(t.due()).isZero();
        now.addAndGet(8 * SECOND);
        assertThat(t.due()).as("9 s after the line").isZero();
        now.addAndGet(SECOND);
        assertThat(t.due()).as("10 s after the line: this event and the two kept back").isEqualTo(3);
        assertThat(t.due()).as("right after a line").isZero();
        now.addAndGet(3600 * SECOND);
        assertThat(t.due()).as("an hour later: the one kept back and this one").isEqualTo(2);
        assertThat(t.interval()).isEqualTo("10 s");
    }

    @Test
    void aClockStartingAtZeroOrNegativeStillLogsTheFirstEvent() {
        AtomicLong now = new AtomicLong(-5 * SECOND);
        LogThrottle t = new LogThrottle(Duration.ofSeconds(60), now::get);
        assertThat(t.due()).isEqualTo(1);
        now.set(0);
        assertThat(t.due()).isZero();
    }

    @Test
    void noEventIsLostBetweenThreads() throws InterruptedException {
        AtomicLong now = new AtomicLong();
        LogThrottle t = new LogThrottle(Duration.ofSeconds(1), now::get);
        AtomicLong reported = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    reported.addAndGet(t.due());
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
        assertThat(reported.get()).as("only the first event was due while the clock stood still").isEqualTo(1);
        now.addAndGet(SECOND);
        assertThat(t.due()).as("everything kept back, and this one").isEqualTo(40_000);
    }

    @Test
    void anIntervalMustBePositive() {
        assertThatThrownBy(() -> new LogThrottle(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("positive interval");
    }
}
