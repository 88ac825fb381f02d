package io.pulse.contracts.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** PostgreSQL databases for the local tools (run command, benchmarks), created on first use. */
public final class Databases {

    private Databases() {
    }

    /** The database name of a JDBC URL ({@code jdbc:postgresql://host:port/name?...}). */
    public static String name(String jdbcUrl) {
        String path = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    /** Creates the URL's database through the server's {@code postgres} database unless it exists. */
    public static void createIfMissing(String jdbcUrl, String user, String password) throws SQLException {
        String name = name(jdbcUrl);
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("database names here are lower-case identifiers: " + name);
        }
        String admin = jdbcUrl.replace("/" + name, "/postgres");
        try (Connection connection = DriverManager.getConnection(admin, user, password);
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            try (ResultSet found = exists.executeQuery(); Statement statement = connection.createStatement()) {
                if (!found.next()) {
                    statement.execute("CREATE DATABASE " + name);
                }
            }
        }
    }
}
