package io.taskpipe.ordering;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OrderingLedgerTest {

    @Test
    void aSequenceNumberIsInOrderWhenHigherThanEveryFinishedOneOfItsKey() {
        OrderingLedger ledger = new OrderingLedger(1 << 20);
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
        OrderingLedger ledger = new OrderingLedger(2 * OrderingLedger.cost("a"));
        ledger.finished("a", 1L);
        ledger.finished("b", 1L);
        ledger.finished("c", 1L);
        assertThat(ledger.finished("a", 2L).previousSeq()).isNull();
        assertThat(ledger.finished("c", 2L).previousSeq()).isEqualTo(1L);
    }

    @Test
    void longKeysCostTheirLengthSoAFewOfThemCannotExhaustMemory() {
        long budget = 1 << 20;
        OrderingLedger ledger = new OrderingLedger(budget);
        String prefix = "k".repeat(100_000);
        for (int i = 0; i < 1_000; i++) { // 200 MB of keys, were they all kept
            ledger.finished(prefix + i, 1L);
            assertThat(ledger.bytes()).isLessThanOrEqualTo(budget);
        }
        assertThat(ledger.finished(prefix + 999, 2L).previousSeq()).as("the most recent key is kept").isEqualTo(1L);
    }
}
