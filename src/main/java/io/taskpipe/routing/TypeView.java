package io.taskpipe.routing;

import io.taskpipe.contract.Lane;
import io.taskpipe.contract.TaskResult.Routing.Reason;

/**
 * One task type as routing sees it ({@code GET /types}): its lane now and why, its prior and pin, how
 * many runs were measured, their decayed CPU time per wall time and mean CPU time, the service time of
 * every measured run (p50, p99) and its last move, if any.
 */
public record TypeView(String type, Lane lane, Reason reason, Lane declared, Lane pinned, long samples, Double ratio,
                       Double meanCpuMs, Double serviceP50Ms, Double serviceP99Ms, Move lastMove) {
}
