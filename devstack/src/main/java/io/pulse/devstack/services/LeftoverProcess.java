package io.pulse.devstack.services;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops a service process left running by a devstack that was killed (kill -9 leaves the PostgreSQL and
 * Redis child processes behind, holding their data folders), found by the pid file in its data folder.
 * Only a live process whose command names the expected program is stopped, so a pid reused by another
 * process is left alone.
 */
final class LeftoverProcess {

    private LeftoverProcess() {
    }

    static void stop(Path pidFile, String program, Duration patience) {
        Optional<ProcessHandle> leftover = read(pidFile).flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info().command().map(command -> command.contains(program)).orElse(false));
        if (leftover.isEmpty()) {
            return;
        }
        ProcessHandle process = leftover.get();
        System.out.printf("  stopping %s (pid %d) left running by an earlier start%n", program, process.pid());
        process.destroy(); // SIGTERM: a clean shutdown, which writes its data out
        try {
            process.onExit().get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the leftover " + program + " (pid " + process.pid() + ")", e);
        }
    }

    private static Optional<Long> read(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
            return first.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(first));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
