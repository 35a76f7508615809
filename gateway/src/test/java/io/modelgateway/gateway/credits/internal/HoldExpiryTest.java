package io.modelgateway.gateway.credits.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;

/** A hold that outlives its request is released; a call that ends after that pays its cost all the same. */
class HoldExpiryTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-01T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @Test
    void aStaleHoldExpiresAndGivesItsCreditsBack() {
        Credits credits = new Credits(null, null, null, Schedulers.immediate(), clock, Duration.ofMinutes(15));
        credits.use(f -> new LocalCreditAccounts(
                t -> CompletableFuture.completedFuture(100_000L), clock, Duration.ofMinutes(30)));
        CreditAccounts accounts = credits.accounts();
        Instant deadline = clock.instant().plus(Duration.ofMinutes(15));
        CreditAccounts.Taken taken =
                accounts.hold("t", "req-1", 30_000, 0, deadline).join();
        assertThat(taken.amount()).isEqualTo(30_000);
        assertThat(credits.available("t").join()).isEqualTo(70_000);

        now.set(now.get().plus(Duration.ofMinutes(14)));
        assertThat(credits.available("t").join()).isEqualTo(70_000);
        assertThat(credits.expiredHolds()).isZero();

        now.set(now.get().plus(Duration.ofMinutes(2)));
        assertThat(credits.available("t").join()).isEqualTo(100_000);
        assertThat(credits.expiredHolds()).isEqualTo(1);

        // the call ended after all: its cost is charged, the hold not released twice
        Hold hold = new Hold("t", "req-1", 30_000, taken.epoch(), deadline);
        credits.settle(hold, 12_000);
        assertThat(credits.available("t").join()).isEqualTo(88_000);
        credits.settle(hold, 12_000);
        accounts.capture("t", "req-1", taken.epoch(), 12_000).join(); // a retried capture
        assertThat(credits.available("t").join()).isEqualTo(88_000);
        assertThat(accounts.read("t").join().held()).isZero();
    }
}
