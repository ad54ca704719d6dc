package io.taskpipe.lanes;

import io.taskpipe.consumer.LaneFeed;
import io.taskpipe.contract.Lane;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
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
 * elsewhere). Ready once this process's lane has joined its consumer group and set up what the group
 * assigned it: before that, a task sent to it would wait for the join (seconds on a busy machine).
 */
@ApplicationScoped
public class LaneHealth {

    private final Lanes lanes;

    public LaneHealth(Lanes lanes) {
        this.lanes = lanes;
    }

    @Produces
    @Liveness
    HealthCheck live() {
        return () -> check(false);
    }

    @Produces
    @Readiness
    HealthCheck ready() {
        return () -> check(true);
    }

    private HealthCheckResponse check(boolean requireStarted) {
        Map<Lane, Lanes.Running> running = lanes.running();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("taskpipe-lanes").status(!requireStarted || !running.isEmpty());
        running.forEach((lane, r) -> {
            LaneFeed consumer = r.consumer();
            Optional<LaneFeed.Stall> stall = consumer.stall();
            response.withData(lane.name() + ".alive", consumer.isAlive());
            response.withData(lane.name() + ".joined", consumer.joined());
            response.withData(lane.name() + ".slots", r.slots());
            response.withData(lane.name() + ".running", r.runner().running());
            response.withData(lane.name() + ".queued", r.runner().queued());
            response.withData(lane.name() + ".oldestUnfinishedSeconds", consumer.oldestUnfinished().toSeconds());
            stall.ifPresent(s -> response.withData(lane.name() + ".stalledOn", "task " + s.task() + " has no outcome "
                    + s.overdueBy().toSeconds() + " s after it was due"));
            if (!consumer.isAlive() || stall.isPresent() || requireStarted && !consumer.joined()) {
                response.down();
            }
        });
        return response.build();
    }
}
