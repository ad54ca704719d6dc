package io.taskpipe.api;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.security.identity.SecurityIdentity;
import io.taskpipe.config.ApiRole;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.Headers;
import io.taskpipe.contract.Rejection;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.intake.Decoded;
import io.taskpipe.intake.TaskDecoder;
import io.taskpipe.results.ResultsView;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /tasks}: one task or a JSON array of tasks, validated with the same decoder and size limit
 * the lanes use, and published all or nothing in one transaction. Answers {@code 202} with the ids
 * once the broker holds every task; {@code 400} with a reason per invalid task (nothing published);
 * {@code 413} beyond {@code taskpipe.api.max-tasks} tasks; {@code 429} while more request bytes than
 * {@code taskpipe.api.max-in-flight-bytes} are being handled; {@code 503} when the broker or the
 * producers cannot take the batch now (nothing published). Both refusals carry {@code Retry-After}.
 * {@code GET /tasks/{id}}: the task's result once it exists ({@code 404} until then).
 */
@Path("/tasks")
@Tag(name = "tasks", description = "Submit tasks and read their results.")
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "An API key (taskpipe.api.keys) or an identity provider's access token")
@SecurityRequirement(name = "bearer")
public class TasksResource {

    /** The contract's JSON Schemas, served beside the API (src/main/resources/META-INF/resources/schema). */
    static final String TASK_SCHEMA = "/schema/task-v1.json";
    static final String RESULT_SCHEMA = "/schema/result-v1.json";

    /** One invalid task of a submission. */
    public record Problem(int index, ErrorCode code, String message) {
    }

    private final TaskDecoder decoder;
    private final ResultsView view;
    private final BatchPublisher batches;
    private final TaskpipeConfig config;
    /** Who calls: a request-scoped bean, so each request sees its own. */
    @Inject
    SecurityIdentity caller;
    /** Request bytes being handled, in KiB: a bound on what concurrent submissions hold in memory. */
    private final Semaphore inFlightKib;

    public TasksResource(TaskDecoder decoder, ResultsView view, BatchPublisher batches, TaskpipeConfig config) {
        this.decoder = decoder;
        this.view = view;
        this.batches = batches;
        this.config = config;
        this.inFlightKib = new Semaphore((int) Math.min(Integer.MAX_VALUE, config.api().maxInFlightBytes() / 1024));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit one task, or a JSON array of tasks, all or nothing (role submit)")
    @RequestBody(required = true, description = "A task, or an array of tasks; an id is generated where none is given",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = TASK_SCHEMA)))
    @APIResponse(responseCode = "202", description = "Every task is durable in the tasks topic: {\"ids\": [...], \"topic\": ...}")
    @APIResponse(responseCode = "400", description = "Invalid tasks, each with its index, code and reason; nothing published")
    @APIResponse(responseCode = "401", description = "No valid key or token")
    @APIResponse(responseCode = "403", description = "The caller lacks the role submit")
    @APIResponse(responseCode = "409", description = "Another principal uses some of the ids; nothing published")
    @APIResponse(responseCode = "413", description = "More tasks than taskpipe.api.max-tasks, or a body over the HTTP limit")
    @APIResponse(responseCode = "429", description = "Too many request bytes in flight; retry after Retry-After")
    @APIResponse(responseCode = "503", description = "No publisher free or the broker refused; nothing published; retry after Retry-After")
    public Response submit(byte[] body) {
        int kib = (int) Math.min(config.api().maxInFlightBytes() / 1024, body.length / 1024 + 1);
        if (!inFlightKib.tryAcquire(kib)) {
            return refused(429, 1, "taskpipe is already handling " + config.api().maxInFlightBytes()
                    + " bytes of submissions (taskpipe.api.max-in-flight-bytes); retry shortly");
        }
        try {
            return admitted(body);
        } finally {
            inFlightKib.release(kib);
        }
    }

    private Response admitted(byte[] body) {
        JsonNode root;
        try {
            root = TaskJson.MAPPER.readTree(body);
        } catch (StreamConstraintsException e) {
            return badRequest(List.of(new Problem(0, ErrorCode.PAYLOAD_TOO_LARGE, e.getOriginalMessage())));
        } catch (IOException e) {
            return badRequest(List.of(new Problem(0, ErrorCode.MALFORMED_JSON, "not valid JSON: " + e.getMessage())));
        }
        List<JsonNode> nodes = new ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(nodes::add);
        } else {
            nodes.add(root);
        }
        if (nodes.size() > config.api().maxTasks()) {
            return Response.status(Response.Status.REQUEST_ENTITY_TOO_LARGE).entity(Map.of("error", "a request may carry at most "
                    + config.api().maxTasks() + " tasks (taskpipe.api.max-tasks), this one has " + nodes.size())).build();
        }
        List<Problem> problems = new ArrayList<>();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode node = nodes.get(i);
            if (node instanceof ObjectNode object && !object.has("id")) {
                object.put("id", UUID.randomUUID().toString());
            }
            switch (decoder.decode(node, null)) {
                case Decoded.Rejected(Rejection why) -> problems.add(new Problem(i, why.code(), why.reason()));
                case Decoded.Accepted accepted -> {
                    byte[] value = TaskJson.write(node);
                    Rejection tooLarge = decoder.tooLarge(accepted, value);
                    if (tooLarge != null) {
                        problems.add(new Problem(i, tooLarge.code(), tooLarge.reason()));
                    }
                    ids.add(accepted.task().id());
                    ProducerRecord<String, byte[]> record = new ProducerRecord<>(config.topics().tasks(), accepted.task().key(), value);
                    record.headers().add(Headers.PRINCIPAL, principal().getBytes(StandardCharsets.UTF_8));
                    records.add(record);
                }
            }
        }
        if (!problems.isEmpty()) {
            return badRequest(problems);
        }
        if (records.isEmpty()) {
            return badRequest(List.of(new Problem(0, ErrorCode.INVALID_TASK, "no tasks in the request")));
        }
        ResultsView.Claim claim = view.claim(ids, principal());
        if (!claim.taken().isEmpty()) {
            return Response.status(Response.Status.CONFLICT).entity(Map.of("error", "another principal uses these task ids;"
                    + " nothing of this request was published", "ids", claim.taken())).build();
        }
        BatchPublisher.Result published = batches.publish(records);
        if (published != BatchPublisher.Result.PUBLISHED) {
            view.unclaim(claim.claimed(), principal());
        }
        return switch (published) {
            case PUBLISHED -> Response.accepted(Map.of("ids", ids, "topic", config.topics().tasks())).build();
            case BUSY -> refused(503, 1, "every publisher is busy; nothing of this request was published, retry shortly");
            case FAILED -> refused(503, 5, "the broker did not take the batch; nothing of this request was published");
        };
    }

    private String principal() {
        return caller.getPrincipal().getName();
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A task's result, to the principal that submitted it or an admin (role read)")
    @APIResponse(responseCode = "200", description = "The result",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = RESULT_SCHEMA)))
    @APIResponse(responseCode = "401", description = "No valid key or token")
    @APIResponse(responseCode = "403", description = "The caller lacks the role read")
    @APIResponse(responseCode = "404", description = "No result yet, or the task is another principal's")
    public Response result(@PathParam("id") String id) {
        return view.get(id, principal(), caller.hasRole(ApiRole.ADMIN.role()))
                .map(json -> Response.ok(json).build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND)
                        .entity(Map.of("error", "no result for task '" + id + "' yet")).build());
    }

    private static Response badRequest(List<Problem> problems) {
        return Response.status(Response.Status.BAD_REQUEST).entity(Map.of("errors", problems)).build();
    }

    private static Response refused(int status, int retryAfterSeconds, String reason) {
        return Response.status(status).header("Retry-After", retryAfterSeconds).entity(Map.of("error", reason)).build();
    }
}
