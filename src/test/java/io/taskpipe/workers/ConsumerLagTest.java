package io.taskpipe.workers;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumerLagTest {

    private final AtomicInteger attempts = new AtomicInteger();
    private final Supplier<Admin> unreachable = () -> {
        attempts.incrementAndGet();
        throw new TimeoutException("no broker");
    };

    @Test
    void aBrokerOutOfReachGivesTheLastKnownLagNotAnException() {
        ConsumerLag lag = new ConsumerLag(unreachable, List.of(new ConsumerLag.Watched("g", "t")));

        assertThat(lag.lag()).isEmpty();
        assertThat(attempts).hasValue(1);
    }

    /** A dashboard polled by many browsers asks far more often than the broker is asked. */
    @Test
    void isMeasuredAtMostOnceASecond() {
        ConsumerLag lag = new ConsumerLag(unreachable, List.of(new ConsumerLag.Watched("g", "t")));

        lag.lag();
        lag.lag();
        lag.lag();

        assertThat(attempts).as("measured within the same second").hasValue(1);
    }

    @Test
    void aProcessThatDoesNotDispatchMeasuresNothing() {
        ConsumerLag lag = new ConsumerLag(unreachable, List.of());

        assertThat(lag.lag()).isEmpty();
        assertThat(attempts).hasValue(0);
    }
}
