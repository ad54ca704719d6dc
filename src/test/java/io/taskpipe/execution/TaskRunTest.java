package io.taskpipe.execution;

import org.junit.jupiter.api.Test;

import static io.taskpipe.execution.TaskRun.Next.HAND_BACK;
import static io.taskpipe.execution.TaskRun.Next.PUBLISH;
import static io.taskpipe.execution.TaskRun.Next.RETRY;
import static io.taskpipe.execution.TaskRun.next;
import static org.assertj.core.api.Assertions.assertThat;

class TaskRunTest {

    @Test
    void aTransientFailureWithAttemptsLeftIsRetried() {
        assertThat(next(true, 1, 4, false)).isEqualTo(RETRY);
        assertThat(next(true, 3, 4, false)).isEqualTo(RETRY);
    }

    @Test
    void aTransientFailureAsTheProcessGivesTheRecordUpGoesBackInsteadOfEndingAsExhausted() {
        // found by RecoveryIT: a SIGTERM during a retry's run ended the task RETRIES_EXHAUSTED at attempt 2
        assertThat(next(true, 2, 4, true)).isEqualTo(HAND_BACK);
    }

    @Test
    void theLastAttemptAndPermanentFailuresArePublishedWhateverHappensToTheProcess() {
        assertThat(next(true, 4, 4, false)).isEqualTo(PUBLISH);
        assertThat(next(true, 4, 4, true)).isEqualTo(PUBLISH);
        assertThat(next(false, 1, 4, true)).isEqualTo(PUBLISH);
        assertThat(next(false, 1, 4, false)).isEqualTo(PUBLISH);
    }
}
