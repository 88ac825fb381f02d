package io.pulse.rollup.eventtime;

import java.io.Serializable;

/** The wall clock the job bounds event time by; tests pass one they move by hand. */
@FunctionalInterface
public interface WallClock extends Serializable {

    WallClock SYSTEM = System::currentTimeMillis;

    long millis();
}
