package io.taskpipe.lanes;

import io.taskpipe.consumer.LaneConsumer;
import io.taskpipe.contract.Lane;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;
import java.util.Optional;

/**
 * Health of the lanes. Live while every started lane's poll loop runs and no task has outlived its
 * deadline, cancel grace and publish timeout without an outcome: either means the lane cannot get on
 * by itself, and an orchestrator should restart the process (its unfinished records run again
 * elsewhere). Ready once this process's lane has started.
 */
public final class LaneHealth {

    private LaneHealth() {
    }

    static HealthCheckResponse check(Lanes lanes, boolean requireStarted) {
        Map<Lane, Lanes.Running> running = lanes.running();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("taskpipe-lanes").status(!requireStarted || !running.isEmpty());
        running.forEach((lane, r) -> {
            LaneConsumer consumer = r.consumer();
            Optional<LaneConsumer.Stall> stall = consumer.stall();
            response.withData(lane.name() + ".alive", consumer.isAlive());
            response.withData(lane.name() + ".slots", r.slots());
            response.withData(lane.name() + ".running", r.runner().running());
            response.withData(lane.name() + ".queued", r.runner().queued());
            response.withData(lane.name() + ".oldestUnfinishedSeconds", consumer.oldestUnfinished().toSeconds());
            stall.ifPresent(s -> response.withData(lane.name() + ".stalledOn", "task " + s.task() + " has no outcome "
                    + s.overdueBy().toSeconds() + " s after it was due"));
            if (!consumer.isAlive() || stall.isPresent()) {
                response.down();
            }
        });
        return response.build();
    }

    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {
        private final Lanes lanes;

        public Live(Lanes lanes) {
            this.lanes = lanes;
        }

        @Override
        public HealthCheckResponse call() {
            return check(lanes, false);
        }
    }

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        private final Lanes lanes;

        public Ready(Lanes lanes) {
            this.lanes = lanes;
        }

        @Override
        public HealthCheckResponse call() {
            return check(lanes, true);
        }
    }
}
