package io.taskpipe.api;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.taskpipe.config.TaskpipeConfig;
import io.taskpipe.contract.ErrorCode;
import io.taskpipe.contract.TaskJson;
import io.taskpipe.intake.Decoded;
import io.taskpipe.intake.TaskDecoder;
import io.taskpipe.results.ResultsView;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code POST /tasks}: one task or a JSON array of tasks, validated with the same decoder the lanes use
 * and published to the tasks topic all-or-nothing; answers {@code 202} with the ids once the broker has
 * them, or {@code 400} with a reason per invalid task. {@code GET /tasks/{id}}: the task's result once
 * it exists ({@code 404} until then).
 */
@Path("/tasks")
public class TasksResource {

    /** One invalid task of a submission. */
    public record Problem(int index, ErrorCode code, String message) {
    }

    private final TaskDecoder decoder;
    private final ResultsView view;
    private final MutinyEmitter<byte[]> tasks;
    private final TaskpipeConfig config;

    public TasksResource(TaskDecoder decoder, ResultsView view, @Channel("tasks-submit") MutinyEmitter<byte[]> tasks,
                         TaskpipeConfig config) {
        this.decoder = decoder;
        this.view = view;
        this.tasks = tasks;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> submit(byte[] body) {
        JsonNode root;
        try {
            root = TaskJson.MAPPER.readTree(body);
        } catch (StreamConstraintsException e) {
            return Uni.createFrom().item(badRequest(List.of(new Problem(0, ErrorCode.PAYLOAD_TOO_LARGE, e.getOriginalMessage()))));
        } catch (IOException e) {
            return Uni.createFrom().item(badRequest(List.of(new Problem(0, ErrorCode.MALFORMED_JSON, "not valid JSON: " + e.getMessage()))));
        }
        List<JsonNode> nodes = new ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(nodes::add);
        } else {
            nodes.add(root);
        }
        List<Problem> problems = new ArrayList<>();
        List<Message<byte[]>> messages = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode node = nodes.get(i);
            if (node instanceof ObjectNode object && !object.has("id")) {
                object.put("id", UUID.randomUUID().toString());
            }
            switch (decoder.decode(node, null)) {
                case Decoded.Rejected(var why) -> problems.add(new Problem(i, why.code(), why.reason()));
                case Decoded.Accepted accepted -> {
                    ids.add(accepted.task().id());
                    messages.add(Message.of(TaskJson.write(node)).addMetadata(
                            OutgoingKafkaRecordMetadata.<String>builder().withKey(accepted.task().key()).build()));
                }
            }
        }
        if (!problems.isEmpty()) {
            return Uni.createFrom().item(badRequest(problems));
        }
        if (messages.isEmpty()) {
            return Uni.createFrom().item(badRequest(List.of(new Problem(0, ErrorCode.INVALID_TASK, "no tasks in the request"))));
        }
        return Uni.join().all(messages.stream().map(tasks::sendMessage).toList()).andFailFast()
                .map(acked -> Response.accepted(Map.of("ids", ids, "topic", config.topics().tasks())).build());
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response result(@PathParam("id") String id) {
        if (!config.role().dispatches()) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .entity(Map.of("error", "a cpu-worker keeps no results view; ask a dispatcher")).build();
        }
        return view.get(id)
                .map(json -> Response.ok(json).build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND)
                        .entity(Map.of("error", "no result for task '" + id + "' yet")).build());
    }

    private static Response badRequest(List<Problem> problems) {
        return Response.status(Response.Status.BAD_REQUEST).entity(Map.of("errors", problems)).build();
    }
}
