package io.taskpipe.dashboard;

import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.time.Duration;

/**
 * The dashboard's data (the page itself is {@code /}, static): {@code GET /dashboard/events} pushes an
 * update every second as server-sent events, each with only what the client has not had yet;
 * {@code GET /dashboard/state} answers everything once. Both need the role read (or admin).
 */
@Path("/dashboard")
@Tag(name = "dashboard", description = "What the pipeline does now: lanes, processes, lag, throughput and latency per type, failures.")
@SecurityRequirement(name = "bearer")
public class DashboardResource {

    static final Duration PERIOD = Duration.ofSeconds(1);
    /** The first update goes at once (Mutiny's ticks refuse a zero delay). */
    private static final Duration FIRST = Duration.ofMillis(1);

    private final Dashboard dashboard;

    public DashboardResource(Dashboard dashboard) {
        this.dashboard = dashboard;
    }

    @GET
    @Path("/state")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Everything the dashboard shows, once (role read)")
    public DashboardState state() {
        return dashboard.next(new Dashboard.Cursor());
    }

    @GET
    @Path("/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Everything the dashboard shows, then what changed, every second, as server-sent events (role read)")
    public Multi<DashboardState> events() {
        return Multi.createFrom().deferred(() -> {
            Dashboard.Cursor cursor = new Dashboard.Cursor();
            return Multi.createFrom().ticks().startingAfter(FIRST).every(PERIOD)
                    .onOverflow().drop() // a client that is behind misses an update; the next one catches it up
                    .map(tick -> dashboard.next(cursor));
        });
    }
}
