package io.pulse.serving.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BatchWindowTest {

    @Test
    void aQuietQueryRecomputesAtOnceAndABurstWaitsForTheWindowSinceTheLastRecomputation() {
        BatchWindow window = new BatchWindow(50);
        assertThat(window.delayMillis(1_000)).isZero(); // nothing recomputed yet
        window.flushed(1_000);
        assertThat(window.delayMillis(1_010)).isEqualTo(40); // the rest of the burst
        assertThat(window.delayMillis(1_049)).isEqualTo(1);
        window.flushed(1_050);
        assertThat(window.delayMillis(1_100)).isZero(); // a window after: at once again
        assertThat(window.delayMillis(5_000)).isZero();
    }
}
