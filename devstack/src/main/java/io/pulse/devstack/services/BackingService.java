package io.pulse.devstack.services;

/**
 * A service the platform needs: either one the user configured (used as it is, never stopped here) or
 * one started here, embedded, on a free port, and stopped on {@link #close()}.
 */
public interface BackingService extends AutoCloseable {

    /** What it is, for the banner: "PostgreSQL", "Redis", "AMQP broker". */
    String name();

    /** Where clients reach it (a JDBC URL or a URI), without credentials. */
    String address();

    /** True when started here; false when the configured one is used. */
    boolean embedded();

    @Override
    void close();
}
