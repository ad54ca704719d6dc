package io.taskpipe.api;

import io.taskpipe.routing.Routing;
import io.taskpipe.routing.TypeView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * {@code GET /types}: every task type as routing sees it, read-only: the lane it runs on now and why,
 * its measured CPU time per wall time and service time, and its last move.
 */
@Path("/types")
public class TypesResource {

    private final Routing routing;

    public TypesResource(Routing routing) {
        this.routing = routing;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<TypeView> types() {
        return routing.types();
    }
}
