package io.taskpipe.lanes;

import io.taskpipe.contract.Lane;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import java.util.Map;

/**
 * Health of the lanes: live while every started lane's poll loop runs (a dead loop needs a restart),
 * ready once this process's lane has started.
 */
public final class LaneHealth {

    private LaneHealth() {
    }

    static HealthCheckResponse check(String name, Lanes lanes, boolean requireStarted) {
        Map<Lane, Lanes.Running> running = lanes.running();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(name).status(!requireStarted || !running.isEmpty());
        running.forEach((lane, r) -> {
            response.withData(lane.name() + ".alive", r.consumer().isAlive());
            response.withData(lane.name() + ".slots", r.slots());
            response.withData(lane.name() + ".running", r.runner().running());
            response.withData(lane.name() + ".queued", r.runner().queued());
            if (!r.consumer().isAlive()) {
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
            return check("taskpipe-lanes", lanes, false);
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
            return check("taskpipe-lanes", lanes, true);
        }
    }
}
