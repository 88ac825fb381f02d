package io.pulse.serving.tools;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Node load clients and peers of the benchmarks, in the folders under bench/. */
final class NodeClients {

    private NodeClients() {
    }

    /** Installs a benchmark folder's pinned npm packages once (its package-lock.json). */
    static void install(Path folder) throws Exception {
        if (!Files.isDirectory(folder.resolve("node_modules"))) {
            int exit = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(folder.toFile())
                    .inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("npm ci in " + folder + " failed");
            }
        }
    }

    static String nodeVersion() throws Exception {
        Process node = new ProcessBuilder("node", "--version").start();
        return "Node " + new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }
}
