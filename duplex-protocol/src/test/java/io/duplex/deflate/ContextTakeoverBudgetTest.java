package io.duplex.deflate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ContextTakeoverBudgetTest {

    @Test
    void unlimitedNeverRefuses() {
        ContextTakeoverBudget b = ContextTakeoverBudget.unlimited();
        for (int i = 0; i < 1000; i++) {
            assertThat(b.tryAcquire()).isTrue();
        }
        b.release();
    }

    @Test
    void limitCountsPermits() {
        ContextTakeoverBudget.Limit b = (ContextTakeoverBudget.Limit) ContextTakeoverBudget.limit(2);

        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.tryAcquire()).isFalse();
        assertThat(b.available()).isZero();
        b.release();
        assertThat(b.available()).isEqualTo(1);
        assertThat(b.tryAcquire()).isTrue();
    }

    @Test
    void limitRejectsMisuse() {
        ContextTakeoverBudget b = ContextTakeoverBudget.limit(0);

        assertThat(b.tryAcquire()).isFalse();
        assertThatThrownBy(b::release).isInstanceOf(IllegalStateException.class);
        assertThat(((ContextTakeoverBudget.Limit) b).available()).isZero();
        assertThatThrownBy(() -> ContextTakeoverBudget.limit(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void limitHoldsUnderContention() throws Exception {
        ContextTakeoverBudget b = ContextTakeoverBudget.limit(10);
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int t = 0; t < 8; t++) {
                pool.execute(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    for (int i = 0; i < 1000; i++) {
                        if (b.tryAcquire()) {
                            granted.incrementAndGet();
                        }
                    }
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(granted.get()).isEqualTo(10);
    }
}
