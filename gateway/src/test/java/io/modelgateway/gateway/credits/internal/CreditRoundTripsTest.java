package io.modelgateway.gateway.credits.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How many Redis commands the credit accounts send, counted by a Redis of the test's own ({@code INFO
 * commandstats}, nothing else talks to it): a burst of calls (a hold each, then a capture each, of several
 * tenants) costs fewer commands than calls, because operations that meet while a batch is in flight go
 * together in the next one; a capture sent while nothing is in flight goes at once, alone. The burst is made
 * real by pausing Redis's writes ({@code CLIENT PAUSE ... WRITE}) while it is submitted, so the count does not
 * depend on the machine's speed.
 */
class CreditRoundTripsTest {

    private static final long START = 1_000_000_000L;
    private static RedisCommands.OwnRedis redis;
    private static RedisCreditAccounts accounts;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisCommands.OwnRedis.start();
        accounts = new RedisCreditAccounts(
                redis.url(),
                "trips:",
                tenant -> CompletableFuture.completedFuture(START),
                Clock.systemUTC(),
                Duration.ofSeconds(5),
                Duration.ofHours(1),
                Duration.ofMillis(100));
    }

    @AfterAll
    static void stop() {
        if (accounts != null) {
            accounts.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void aBurstOfCallsCostsFewerCommandsThanCalls() {
        int n = 60;
        List<String> tenants = List.of("a", "b", "c", "d");
        for (String t : tenants) {
            accounts.read(t).join(); // built (and the script loaded) before counting
        }
        long before = commands();
        long batchesBefore = accounts.batches();

        List<CompletableFuture<CreditAccounts.Taken>> holds = new ArrayList<>();
        paused(() -> {
            for (int i = 0; i < n; i++) {
                holds.add(accounts.hold(
                        tenants.get(i % tenants.size()),
                        "call-" + i,
                        1_000,
                        1,
                        Instant.now().plusSeconds(600)));
            }
        });
        holds.forEach(h -> assertThat(h.join().amount()).isEqualTo(1_000));
        List<CompletableFuture<Void>> captures = new ArrayList<>();
        paused(() -> {
            for (int i = 0; i < n; i++) {
                captures.add(accounts.capture(
                        tenants.get(i % tenants.size()),
                        "call-" + i,
                        holds.get(i).join().epoch(),
                        10 + i));
            }
        });
        captures.forEach(CompletableFuture::join);

        long sent = commands() - before;
        assertThat(sent)
                .as("Redis commands for %d calls (a hold and a capture each)", n)
                .isLessThanOrEqualTo(n)
                .isEqualTo(accounts.batches() - batchesBefore);
        // exact money all the same: every cost debited once, nothing left held
        long spent = 0;
        for (int i = 0; i < n; i++) {
            spent += 10 + i;
        }
        long balances = 0;
        for (String t : tenants) {
            CreditAccounts.Snapshot s = accounts.read(t).join();
            assertThat(s.held()).isZero();
            balances += s.balance();
        }
        assertThat(balances).isEqualTo(START * tenants.size() - spent);
    }

    @Test
    void capturesThatMeetWhileABatchIsInFlightGoInOneCommand() {
        accounts.read("e").join();
        List<CompletableFuture<CreditAccounts.Taken>> holds = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            holds.add(accounts.hold("e", "e-" + i, 500, 1, Instant.now().plusSeconds(600)));
        }
        holds.forEach(CompletableFuture::join);

        long before = commands();
        long operationsBefore = accounts.operations();
        List<CompletableFuture<Void>> captures = new ArrayList<>();
        paused(() -> {
            for (int i = 0; i < 10; i++) {
                captures.add(accounts.capture("e", "e-" + i, holds.get(i).join().epoch(), 100));
            }
        });
        captures.forEach(CompletableFuture::join);
        assertThat(accounts.operations() - operationsBefore).isEqualTo(10);
        assertThat(commands() - before)
                .as("the first capture went at once, alone; the nine that met while it was in flight, together")
                .isEqualTo(2);
        CreditAccounts.Snapshot s = accounts.read("e").join();
        assertThat(s.balance()).isEqualTo(START - 1_000);
        assertThat(s.held()).isZero();

        // and again: each capture once, however often it is sent
        paused(() -> {
            for (int i = 0; i < 10; i++) {
                captures.add(accounts.capture("e", "e-" + i, holds.get(i).join().epoch(), 100));
            }
        });
        captures.forEach(CompletableFuture::join);
        assertThat(accounts.read("e").join().balance()).isEqualTo(START - 1_000);
    }

    @Test
    void aCaptureWhileNothingIsInFlightIsSentAtOnce() {
        CreditAccounts.Taken t = accounts.hold("f", "f-1", 700, 1, Instant.now().plusSeconds(600))
                .join();
        long before = commands();
        accounts.capture("f", "f-1", t.epoch(), 70).join(); // completes once applied: nothing else sent it
        assertThat(commands() - before).isEqualTo(1);
        assertThat(accounts.read("f").join().balance()).isEqualTo(START - 70);
    }

    /** Runs {@code submit} while Redis holds back every write (scripts included), then lets them through. */
    private static void paused(Runnable submit) {
        RedisCommands.whileWritesPaused(redis.admin(), submit);
    }

    /** Script calls Redis ran: the only commands the code under test sends. */
    static long commands() {
        return RedisCommands.scriptCalls(redis.admin());
    }
}
