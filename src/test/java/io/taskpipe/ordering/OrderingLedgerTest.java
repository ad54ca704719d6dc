package io.taskpipe.ordering;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OrderingLedgerTest {

    @Test
    void aSequenceNumberIsInOrderWhenHigherThanEveryFinishedOneOfItsKey() {
        OrderingLedger ledger = new OrderingLedger(100);
        assertThat(ledger.finished("a", 1L)).isEqualTo(new OrderingLedger.Evidence(null, true));
        assertThat(ledger.finished("a", 2L)).isEqualTo(new OrderingLedger.Evidence(1L, true));
        assertThat(ledger.finished("b", 1L)).isEqualTo(new OrderingLedger.Evidence(null, true));
        assertThat(ledger.finished("a", 2L)).as("a replay").isEqualTo(new OrderingLedger.Evidence(2L, false));
        assertThat(ledger.finished("a", 5L)).isEqualTo(new OrderingLedger.Evidence(2L, true));
        assertThat(ledger.finished("a", 4L)).isEqualTo(new OrderingLedger.Evidence(5L, false));
        assertThat(ledger.finished("a", null)).isEqualTo(new OrderingLedger.Evidence(5L, true));
    }

    @Test
    void forgetsTheLeastRecentlyUsedKeys() {
        OrderingLedger ledger = new OrderingLedger(2);
        ledger.finished("a", 1L);
        ledger.finished("b", 1L);
        ledger.finished("c", 1L);
        assertThat(ledger.finished("a", 2L).previousSeq()).isNull();
        assertThat(ledger.finished("c", 2L).previousSeq()).isEqualTo(1L);
    }
}
