package io.taskpipe.config;

import io.taskpipe.contract.OrderingMode;

import java.time.Duration;

/** What each lane's own settings include. */
public interface LaneConfig {

    OrderingMode ordering();

    StartCommit startCommit();

    String group();

    long maxHeldBytes();

    Duration warmUp();
}
