package io.taskpipe.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The project's scripts run as a user runs them, from the project root, for the tests that prove they work. */
public final class Scripts {

    private Scripts() {
    }

    /**
     * Runs {@code command}, its console (stdout and stderr) written to {@code console} and then to the test's
     * output; returns the console once the command ended with status 0 within {@code timeout}.
     */
    public static String run(Duration timeout, Path console, String... command) throws IOException, InterruptedException {
        Files.createDirectories(console.toAbsolutePath().getParent());
        Process run = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile()).start();
        boolean ended = run.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!ended) {
            run.destroyForcibly();
        }
        String output = Files.readString(console);
        System.out.println(output);
        assertThat(ended).as(command[0] + " ended within " + timeout).isTrue();
        assertThat(run.exitValue()).as("exit status of " + command[0] + "; console:\n" + output).isZero();
        return output;
    }
}
