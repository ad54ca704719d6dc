package io.taskpipe.architecture.cycle.b;

import io.taskpipe.architecture.cycle.a.Left;

/** The other half of a deliberate package cycle. */
public class Right {
    Left left;
}
