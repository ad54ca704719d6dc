package io.taskpipe.containers;

import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.awaitility.Awaitility.await;

/**
 * A wait strategy for host networking, where Testcontainers maps no port to wait on: the container is
 * ready when {@code probe} says so (an HTTP health check, a broker answering on loopback). A container
 * that exits while starting fails at once, pointing at its log.
 */
final class ReadyWhen extends AbstractWaitStrategy {

    private final String what;
    private final BooleanSupplier probe;

    ReadyWhen(String what, BooleanSupplier probe) {
        this.what = what;
        this.probe = probe;
    }

    @Override
    protected void waitUntilReady() {
        await(what).atMost(startupTimeout).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!waitStrategyTarget.isRunning()) {
                throw new ContainerLaunchException(what + ": the container exited while starting; see target/containers/");
            }
            return probe.getAsBoolean();
        });
    }
}
