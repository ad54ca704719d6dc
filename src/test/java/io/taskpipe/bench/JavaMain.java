package io.taskpipe.bench;

import io.taskpipe.embedded.LocalProcesses;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A main class of this classpath run as its own JVM (a baseline the suite compares taskpipe with). */
final class JavaMain implements AutoCloseable {

    private final String name;
    private final Class<?> mainClass;
    private final List<String> args;
    private final Path log;
    private String cpus;
    private Process process;

    JavaMain(String name, Class<?> mainClass, List<String> args, Path logDir) {
        this.name = name;
        this.mainClass = mainClass;
        this.args = args;
        this.log = logDir.resolve(name + ".log");
    }

    /** Runs the process on these CPUs only ({@code taskset -c}). */
    JavaMain pinnedTo(String cpuList) {
        this.cpus = cpuList;
        return this;
    }

    JavaMain start() {
        List<String> command = new ArrayList<>();
        if (cpus != null) {
            command.addAll(List.of("taskset", "-c", cpus));
        }
        command.addAll(List.of(LocalProcesses.javaExecutable(), "-Xmx384m", "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Waits until the process has printed this line, as a program does once it is at work. */
    void awaitLine(String line, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!printed(line)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not print \"" + line + "\" within " + timeout + "; see " + log);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private boolean printed(String line) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.anyMatch(line::equals);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL, as the suite ends every arm: nothing of an ended arm is read again. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
