package io.taskpipe.architecture.cycle.a;

import io.taskpipe.architecture.cycle.b.Right;

/** Half of a deliberate package cycle: the architecture rules must reject it. */
public class Left {
    Right right;
}
