package io.taskpipe.routing;

import io.taskpipe.contract.Lane;

import java.time.Instant;

/** A task type moved by measurement: when, from and to which lane, and the measurement behind it. */
public record Move(Instant at, Lane from, Lane to, double ratio, long samples, double meanCpuMs) {
}
