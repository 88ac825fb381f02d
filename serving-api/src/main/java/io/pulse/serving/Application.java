package io.pulse.serving;

import io.micronaut.runtime.Micronaut;

/** The serving tier: history queries over the rollup tables, live streams, ingest. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        Micronaut.run(Application.class, args);
    }
}
