package io.taskpipe.check;

import java.util.List;

/** Everything a run's tasks ended in: results and dead letters, each in arrival order. */
public record History(List<Observed> results, List<DeadLetter> deadLetters) {
}
