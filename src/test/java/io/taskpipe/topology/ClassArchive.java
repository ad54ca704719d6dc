package io.taskpipe.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import static org.awaitility.Awaitility.await;

/**
 * The classes a launch of the packaged jar loads, in one class archive that takes about a second off each
 * of the test suite's many starts. Before the first launch of a build, a run of its own writes the archive
 * at its exit, to a file that is moved into place once it has exited; every launch maps it read-only. So no
 * process maps a half-written archive, and no test's process spends its exit writing one: with the JVM's
 * {@code -XX:+AutoCreateSharedArchive}, each process started before the archive existed wrote it at exit,
 * a crashing worker's {@code Runtime.halt} took ten seconds under load, and the broker handed the records
 * of that still-living worker to others meanwhile.
 */
final class ClassArchive {

    private static boolean written;

    private ClassArchive() {
    }

    /**
     * The options that map the archive for a launch with these JVM options, none with an AOT cache (which
     * replaces it). The first call of a test run for a build of the jar has {@code archivingRun} write it:
     * a launch with the options it is given that exits (a start that fails writes what it loaded, too).
     */
    static synchronized List<String> options(Path jar, Path dir, List<String> jvmOptions, Function<List<String>, AppProcess> archivingRun) {
        if (jvmOptions.stream().anyMatch(o -> o.startsWith("-XX:AOTCache") || o.startsWith("-XX:ArchiveClassesAtExit"))) {
            return List.of();
        }
        Path archive = archive(dir, jar);
        if (!written) {
            written = true; // once: a run that writes nothing is not repeated before every launch
            if (!Files.isRegularFile(archive)) {
                write(archive, archivingRun);
            }
        }
        return Files.isRegularFile(archive) ? List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off") : List.of();
    }

    private static void write(Path archive, Function<List<String>, AppProcess> archivingRun) {
        Path writing = archive.resolveSibling("writing-" + archive.getFileName());
        try {
            Files.createDirectories(archive.getParent());
            AppProcess run = archivingRun.apply(List.of("-XX:ArchiveClassesAtExit=" + writing, "-Xlog:cds*=off")).launch();
            await(run.name() + " ready or ended").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !run.isAlive() || run.answersReady());
            if (run.isAlive()) {
                run.terminate(Duration.ofMinutes(1));
            }
            if (Files.isRegularFile(writing)) {
                Files.move(writing, archive, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Named by the jar's size and time, so that a rebuilt jar gets an archive of its own. */
    private static Path archive(Path dir, Path jar) {
        try {
            return dir.resolve("quarkus-run-" + Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis() + ".jsa");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
