package io.taskpipe.containers;

import org.testcontainers.containers.output.OutputFrame;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/** Where the container tier keeps the consoles of its containers: {@code target/containers/<name>.log}. */
final class ContainerLogs {

    static final Path DIR = Path.of("target", "containers").toAbsolutePath();

    private ContainerLogs() {
    }

    /** A log consumer appending a container's output, as it comes, to its file. */
    static Consumer<OutputFrame> to(String name) {
        Path file = DIR.resolve(name + ".log");
        try {
            Files.createDirectories(DIR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return frame -> {
            try {
                Files.write(file, frame.getBytes() == null ? new byte[0] : frame.getBytes(),
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
