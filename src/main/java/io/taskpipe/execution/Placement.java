package io.taskpipe.execution;

import io.taskpipe.consumer.Delivery;
import io.taskpipe.contract.TaskResult;
import io.taskpipe.intake.Decoded.Accepted;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Where a lane's task runs, decided when its turn in the lane comes (after its key's earlier tasks here
 * have finished): on this lane, or handed over to the other one. Deciding at its turn, not when it is
 * read, keeps a key's order when its type moves lanes.
 */
public interface Placement {

    /** The routing of a task whose turn has come. */
    TaskResult.Routing route(Accepted accepted, ConsumerRecord<String, byte[]> record);

    /**
     * Whether a task routed to this lane must wait before it starts: its type moved here from the other
     * lane, and the key's last task of the type handed over there has not finished yet.
     */
    boolean mustWait(Accepted accepted);

    /**
     * A task's run begins here, on the calling thread; the returned handle is run when it ends. A dispatcher
     * watches its IO lane's runs, so that one computing long moves its type before it ends.
     */
    default Runnable watch(Accepted accepted) {
        return () -> {
        };
    }

    /** Hands over a task routed to another lane; its delivery is done once that lane's topic has it. */
    void handOver(Accepted accepted, ConsumerRecord<String, byte[]> record, Delivery delivery, TaskResult.Routing routing);
}
