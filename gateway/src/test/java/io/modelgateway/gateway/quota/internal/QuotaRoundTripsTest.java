package io.modelgateway.gateway.quota.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelgateway.gateway.RedisCommands;
import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.config.GatewayProperties.Kind;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.CallResult;
import io.modelgateway.gateway.pipeline.Operation;
import io.modelgateway.gateway.pipeline.Outcome;
import io.modelgateway.gateway.quota.QuotaLimits;
import io.modelgateway.gateway.quota.QuotaProperties.Fallback;
import io.modelgateway.gateway.quota.internal.LimitRepository.Row;
import io.modelgateway.gateway.tenancy.Scope;
import io.modelgateway.inference.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/**
 * How many Redis commands the quota stage sends, counted by a Redis of the test's own ({@code INFO
 * commandstats}, script calls only): a call's admission charges all its buckets (tenant RPM and TPM, key RPM and
 * TPM) in one script call; a burst of calls and their corrections costs fewer commands than calls, because
 * operations that meet while a batch is in flight go together; the buckets are exact all the same. The burst is
 * made real by pausing Redis's writes ({@code CLIENT PAUSE ... WRITE}) while it is submitted.
 */
class QuotaRoundTripsTest {

    private static final io.modelgateway.gateway.deployment.HttpUpstream UNUSED_UPSTREAM =
            new io.modelgateway.gateway.deployment.HttpUpstream(
                    "unused",
                    java.net.URI.create("http://127.0.0.1:1/v1"),
                    "",
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1));

    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private static RedisCommands.OwnRedis redis;
    private static RedisBuckets buckets;
    private static QuotaStage stage;
    private static LimitBook book;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisCommands.OwnRedis.start();
        buckets = new RedisBuckets(redis.client(), new ClockTimeMeter(CLOCK), Duration.ofSeconds(5));
        book = new LimitBook("trips", Map.of("chat", new QuotaLimits(1_000L, 1_000_000L))::get);
        stage = new QuotaStage(
                book,
                Buckets.shared(
                        buckets, new LocalBuckets(new ClockTimeMeter(CLOCK), 1, "local"), Fallback.REJECT, CLOCK),
                new SimpleMeterRegistry());
        // Redis learns the script (EVALSHA answered NOSCRIPT, then EVAL) before anything is counted
        buckets.peek(QuotaBucket.of("trips:warm-up", QuotaBucket.Kind.REQUESTS, 1), 1)
                .join();
    }

    @AfterAll
    static void stop() {
        if (buckets != null) {
            buckets.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void oneCallsAdmissionIsOneCommandForAllItsBuckets() {
        book.replace(List.of(new Row("t1", "chat", "k1", new QuotaLimits(500L, 400_000L))));
        Call call = call("t1", "k1", 10, 90);
        assertThat(book.meters("t1", "chat", "k1")).hasSize(4);
        long before = commands();
        stage.admit(call).block();
        assertThat(commands() - before)
                .as("tenant RPM and TPM, key RPM and TPM: one script call")
                .isEqualTo(1);
        assertThat(call.responseHeaders().getFirst("x-ratelimit-remaining-requests"))
                .isEqualTo("499");
        assertThat(call.responseHeaders().getFirst("x-ratelimit-remaining-tokens"))
                .isEqualTo("399900");
    }

    @Test
    void aBurstOfCallsCostsFewerCommandsThanCallsAndTheBucketsStayExact() {
        int n = 60;
        book.replace(List.of(new Row("t2", "chat", "k2", new QuotaLimits(500L, 400_000L))));
        stage.admit(call("t2", "k2", 1, 1)).block();
        long before = commands();
        List<Call> calls = new ArrayList<>();
        List<CompletableFuture<Void>> admitted = new ArrayList<>();
        paused(() -> {
            for (int i = 0; i < n; i++) {
                Call c = call("t2", "k2", 10, 90);
                calls.add(c);
                admitted.add(stage.admit(c).toFuture());
            }
        });
        admitted.forEach(CompletableFuture::join);
        paused(() -> calls.forEach(c -> stage.complete(c, ended(10, 20)))); // 30 of 100 used: 70 back each
        Call probe = call("t2", "k2", 1, 1); // its admission follows every correction on the one connection
        stage.admit(probe).block();

        long sent = commands() - before;
        assertThat(sent - 1)
                .as("Redis commands for %d calls (an admission and a correction each)", n)
                .isLessThanOrEqualTo(n);
        assertThat(probe.responseHeaders().getFirst("x-ratelimit-remaining-requests"))
                .isEqualTo(String.valueOf(500 - 1 - n - 1));
        assertThat(probe.responseHeaders().getFirst("x-ratelimit-remaining-tokens"))
                .isEqualTo(String.valueOf(400_000 - 2 - n * 30 - 2));
    }

    @Test
    void correctionsThatMeetWhileABatchIsInFlightGoInOneCommand() {
        QuotaBucket tpm = QuotaBucket.of("trips:corrections", QuotaBucket.Kind.TOKENS, 10_000);
        buckets.tryConsume(tpm, 5_000).join();
        long before = commands();
        long operations = buckets.operations();
        List<CompletableFuture<Void>> refunds = new ArrayList<>();
        paused(() -> {
            for (int i = 0; i < 10; i++) {
                refunds.add(buckets.refund(tpm, 100));
            }
        });
        refunds.forEach(CompletableFuture::join);
        assertThat(buckets.operations() - operations).isEqualTo(10);
        assertThat(commands() - before)
                .as("the first refund went at once, alone; the nine that met while it was in flight, together")
                .isEqualTo(2);
        assertThat(buckets.peek(tpm, 1).join().getRemainingTokens()).isEqualTo(6_000);
    }

    @SuppressWarnings("NullAway") // no template or token counter on purpose: the quota stage uses neither
    private static Call call(String tenant, String key, int prompt, int maxTokens) {
        return new Call(
                "r",
                new Caller(tenant, key, Set.of(Scope.INFERENCE), Set.of("*")),
                new Deployment(
                        "chat",
                        Kind.CHAT,
                        "m",
                        null,
                        null,
                        null,
                        256,
                        4096,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        UNUSED_UPSTREAM,
                        null),
                Operation.CHAT,
                false,
                List.of("hi"),
                Set.of(),
                prompt,
                maxTokens,
                1,
                0,
                CLOCK.instant(),
                new HttpHeaders());
    }

    private static CallResult ended(int prompt, int completion) {
        return new CallResult(Outcome.COMPLETED, new TokenUsage(prompt, completion, false), 200, null, CLOCK.instant());
    }

    /** Runs {@code submit} while Redis holds back every write (scripts included), then lets them through. */
    private static void paused(Runnable submit) {
        RedisCommands.whileWritesPaused(redis.admin(), submit);
    }

    /** Script calls Redis ran: the only commands the code under test sends. */
    private static long commands() {
        return RedisCommands.scriptCalls(redis.admin());
    }
}
