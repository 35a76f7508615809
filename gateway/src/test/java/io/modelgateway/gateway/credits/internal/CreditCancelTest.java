package io.modelgateway.gateway.credits.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelgateway.billing.pricing.Price;
import io.modelgateway.gateway.Replicas;
import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.Operation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import reactor.core.Disposable;
import reactor.core.scheduler.Schedulers;

/**
 * A call abandoned while its hold is being taken leaves nothing held: the hold is released (also when the
 * release reaches the account before the hold, or before the account is built), in memory and in Redis. And
 * a call whose most cost rounds to 0 holds nothing and passes, also on an account below zero.
 */
class CreditCancelTest {

    /** 1000 micro-units per output token, 1.00 per 1M input. */
    private static final Price PRICE = new Price(1, "d", Instant.EPOCH, 1_000_000, 0, 1_000_000_000, 0, "usd");

    private static final Price ALMOST_FREE = new Price(2, "d", Instant.EPOCH, 10_000, 0, 10_000, 0, "usd");

    @Test
    void anAbandonedHoldIsReleasedInMemory() {
        abandonedHoldIsReleased(initial -> new LocalCreditAccounts(initial, Clock.systemUTC(), Duration.ofHours(1)));
    }

    @Test
    void anAbandonedHoldIsReleasedInRedis() {
        Replicas.requireRedis();
        String prefix = "mgw-credit-cancel:" + UUID.randomUUID() + ":";
        abandonedHoldIsReleased(initial -> new RedisCreditAccounts(
                Replicas.REDIS,
                prefix,
                initial,
                Clock.systemUTC(),
                Duration.ofSeconds(2),
                Duration.ofHours(1),
                Duration.ofMillis(100)));
    }

    @Test
    void aZeroCostCallPassesEvenBelowZero() {
        Credits credits = credits(
                initial -> new LocalCreditAccounts(initial, Clock.systemUTC(), Duration.ofHours(1)),
                t -> CompletableFuture.completedFuture(-5_000L));
        Hold hold = credits.hold(call("free"), ALMOST_FREE).block();
        assertThat(hold.amount).isZero();
        credits.settle(hold, 0);
        assertThat(credits.available("t").join()).isEqualTo(-5_000);
        assertThat(credits.hold(call("priced"), PRICE)
                        .onErrorResume(e -> {
                            assertThat(((ApiException) e).code()).isEqualTo("insufficient_quota");
                            return reactor.core.publisher.Mono.empty();
                        })
                        .block())
                .as("a priced call on a balance below zero")
                .isNull();
    }

    private static void abandonedHoldIsReleased(
            Function<Function<String, CompletableFuture<Long>>, CreditAccounts> store) {
        CompletableFuture<Long> ledger = new CompletableFuture<>(); // the ledger answers late
        Credits credits = credits(store, t -> ledger);
        Disposable call = credits.hold(call("abandoned"), PRICE).subscribe();
        call.dispose(); // the client went away while the hold was being taken
        ledger.complete(100_000L);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            CreditAccounts.Snapshot s = credits.accounts().read("t").join();
            assertThat(s.held()).as("nothing held for an abandoned call").isZero();
            assertThat(s.available()).isEqualTo(100_000);
        });

        // the account exists now: the hold may be taken before the client goes away (in memory it always is);
        // then the call's end releases it, as the pipeline does
        java.util.concurrent.atomic.AtomicReference<Hold> taken = new java.util.concurrent.atomic.AtomicReference<>();
        Disposable later = credits.hold(call("abandoned-later"), PRICE).subscribe(taken::set);
        later.dispose();
        if (taken.get() != null) {
            credits.settle(taken.get(), 0);
        }
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() ->
                        assertThat(credits.accounts().read("t").join().held()).isZero());
        Hold served = credits.hold(call("served"), PRICE).block();
        assertThat(served.amount).isEqualTo(10 + 10 * 1000);
        assertThat(credits.accounts().read("t").join().held()).isEqualTo(served.amount);
        credits.settle(served, 5_010);
        assertThat(credits.accounts().read("t").join().available()).isEqualTo(100_000 - 5_010);
        credits.close();
    }

    private static Credits credits(
            Function<Function<String, CompletableFuture<Long>>, CreditAccounts> store,
            Function<String, CompletableFuture<Long>> initial) {
        Credits credits =
                new Credits(null, null, null, Schedulers.immediate(), Clock.systemUTC(), Duration.ofMinutes(15));
        credits.use(ignored -> store.apply(initial));
        return credits;
    }

    /** A chat call of tenant "t" with 10 prompt tokens and at most 10 output tokens. */
    private static Call call(String id) {
        return new Call(
                id + "-" + UUID.randomUUID(),
                new Caller("t", "key-1", Set.of(), Set.of("*")),
                null,
                Operation.CHAT,
                false,
                List.of("hello"),
                Set.of(),
                10,
                10,
                1,
                0,
                Instant.now(),
                new HttpHeaders());
    }
}
