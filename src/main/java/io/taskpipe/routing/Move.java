package io.taskpipe.routing;

import io.taskpipe.contract.Lane;

import java.time.Instant;

/**
 * A task type moved by measurement: when, from and to which lane, and the measurement behind it: the
 * decayed ratio and mean CPU time of {@code samples} finished runs or, when {@code running}, those of one
 * run still in progress that had computed {@code taskpipe.routing.hold-cpu}.
 */
public record Move(Instant at, Lane from, Lane to, double ratio, long samples, double meanCpuMs, boolean running) {
}
