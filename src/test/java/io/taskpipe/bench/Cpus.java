package io.taskpipe.bench;

import java.io.IOException;
import java.io.UncheckedIOException;

/** CPU pinning with {@code taskset}, as a Kubernetes node with static CPU management gives a container its cores. */
final class Cpus {

    private Cpus() {
    }

    /** Pins every thread of this JVM (broker and load generator) to {@code cpuList}; new threads inherit it. */
    static void pinThisProcess(String cpuList) {
        run("taskset", "-a", "-p", "-c", cpuList, Long.toString(ProcessHandle.current().pid()));
    }

    static int available() {
        return Runtime.getRuntime().availableProcessors();
    }

    private static void run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
