package io.taskpipe.api;

import io.taskpipe.routing.Routing;
import io.taskpipe.routing.TypeView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/**
 * {@code GET /types}: every task type as routing sees it, read-only: the lane it runs on now and why,
 * its measured CPU time per wall time and service time, and its last move.
 */
@Path("/types")
@Tag(name = "types", description = "How each task type is routed, and why.")
@SecurityRequirement(name = "bearer")
public class TypesResource {

    private final Routing routing;

    public TypesResource(Routing routing) {
        this.routing = routing;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every task type: its lane now, its measured CPU time per wall time, its last move (role read)")
    public List<TypeView> types() {
        return routing.types();
    }
}
