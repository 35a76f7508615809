package io.modelgateway.gateway.quota.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.config.GatewayProperties.Kind;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.CallResult;
import io.modelgateway.gateway.pipeline.Operation;
import io.modelgateway.gateway.pipeline.Outcome;
import io.modelgateway.gateway.quota.QuotaLimits;
import io.modelgateway.gateway.quota.internal.LimitRepository.Row;
import io.modelgateway.gateway.tenancy.Scope;
import io.modelgateway.inference.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/** The stage on in-memory buckets with a clock that only moves when told: exact numbers. */
class QuotaStageTest {

    /** The stage never calls the backend; a deployment needs one all the same. */
    private static final io.modelgateway.gateway.deployment.HttpUpstream UNUSED_UPSTREAM =
            new io.modelgateway.gateway.deployment.HttpUpstream(
                    "unused",
                    java.net.URI.create("http://127.0.0.1:1/v1"),
                    "",
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(1));

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final LimitBook book =
            new LimitBook("q", Map.of("chat", new QuotaLimits(3L, 1000L), "emb", new QuotaLimits(null, 100L))::get);
    private final QuotaStage stage = new QuotaStage(
            book, Buckets.inMemory(new LocalBuckets(new ClockTimeMeter(clock), 1, "memory"), clock), metrics);

    @Test
    void admittedCallsCarryHeadersThatMatchTheBuckets() {
        Call call = call("chat", 10, 90);
        stage.admit(call).block();
        HttpHeaders h = call.responseHeaders();
        assertThat(h.getFirst("x-ratelimit-limit-requests")).isEqualTo("3");
        assertThat(h.getFirst("x-ratelimit-remaining-requests")).isEqualTo("2");
        assertThat(h.getFirst("x-ratelimit-reset-requests")).isEqualTo("20s");
        assertThat(h.getFirst("x-ratelimit-limit-tokens")).isEqualTo("1000");
        assertThat(h.getFirst("x-ratelimit-remaining-tokens")).isEqualTo("900");
        assertThat(h.getFirst("x-ratelimit-reset-tokens")).isEqualTo("6s");
    }

    @Test
    void everyChoiceOfNIsChargedAtAdmission() {
        Call four = new Call(
                "r",
                caller("k1"),
                deployment("chat", Kind.CHAT),
                Operation.CHAT,
                false,
                java.util.List.of("hi"),
                Set.of("n"),
                10,
                90,
                4,
                0,
                clock.instant(),
                new HttpHeaders());
        stage.admit(four).block();
        assertThat(four.responseHeaders().getFirst("x-ratelimit-remaining-tokens"))
                .isEqualTo("630"); // 10 + 4 × 90
        Call twelve = new Call(
                "r2",
                caller("k1"),
                deployment("chat", Kind.CHAT),
                Operation.CHAT,
                false,
                java.util.List.of("hi"),
                Set.of("n"),
                10,
                90,
                12,
                0,
                clock.instant(),
                new HttpHeaders());
        assertThatThrownBy(() -> stage.admit(twelve).block())
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> assertThat(e.code()).isEqualTo("tokens_exceed_limit")); // 1000 < 10 + 12 × 90
    }

    @Test
    void theUnusedPartOfTheEstimateIsRefundedAndOverrunsAreCharged() {
        Call first = call("chat", 10, 90);
        stage.admit(first).block();
        stage.complete(first, ended(Outcome.COMPLETED, 10, 20)); // used 30 of 100: 70 back
        Call second = call("chat", 10, 90);
        stage.admit(second).block();
        assertThat(second.responseHeaders().getFirst("x-ratelimit-remaining-tokens"))
                .isEqualTo("870");
        stage.complete(second, ended(Outcome.COMPLETED, 10, 190)); // used 200 of 100: 100 more
        Call third = call("chat", 1, 1);
        stage.admit(third).block();
        assertThat(third.responseHeaders().getFirst("x-ratelimit-remaining-tokens"))
                .isEqualTo(String.valueOf(1000 - 30 - 200 - 2));
    }

    @Test
    void retryAfterIsTheTrueWaitNeitherEarlyNorLate() {
        stage.admit(call("chat", 0, 950)).block();
        Call refused = call("chat", 0, 100);
        assertThatThrownBy(() -> stage.admit(refused).block()).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status().value()).isEqualTo(429);
            assertThat(e.code()).isEqualTo("rate_limit_exceeded");
            assertThat(e.type()).isEqualTo("tokens");
        });
        // 50 left, 100 wanted: 50 more at 1000 per minute take exactly 3 s.
        assertThat(refused.responseHeaders().getFirst("retry-after-ms")).isEqualTo("3000");
        assertThat(refused.responseHeaders().getFirst("retry-after")).isEqualTo("3");
        assertThat(refused.responseHeaders().getFirst("x-ratelimit-remaining-tokens"))
                .isEqualTo("50");
        assertThat(refused.responseHeaders().getFirst("x-ratelimit-remaining-requests"))
                .as("the request the refused call took was given back")
                .isEqualTo("2");

        clock.advance(Duration.ofMillis(2999));
        assertThatThrownBy(() -> stage.admit(call("chat", 0, 100)).block()).isInstanceOf(ApiException.class);
        clock.advance(Duration.ofMillis(1));
        stage.admit(call("chat", 0, 100)).block();
        assertThat(metrics.counter("gateway.quota.rejected", "deployment", "chat", "limit", "tokens")
                        .count())
                .isEqualTo(2);
    }

    @Test
    void requestsPerMinuteRefillContinuously() {
        for (int i = 0; i < 3; i++) {
            stage.admit(call("chat", 1, 1)).block();
        }
        Call refused = call("chat", 1, 1);
        assertThatThrownBy(() -> stage.admit(refused).block())
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.type()).isEqualTo("requests"));
        assertThat(refused.responseHeaders().getFirst("retry-after-ms")).isEqualTo("20000");
        assertThat(refused.responseHeaders().getFirst("x-ratelimit-remaining-requests"))
                .isEqualTo("0");
        clock.advance(Duration.ofSeconds(20));
        stage.admit(call("chat", 1, 1)).block();
    }

    @Test
    void aCallRefusedByALaterStageGivesEverythingBack() {
        Call call = call("chat", 10, 90);
        stage.admit(call).block();
        stage.complete(
                call, new CallResult(Outcome.REFUSED, CallResult.NO_USAGE, 402, "insufficient_quota", clock.instant()));
        Call next = call("chat", 10, 90);
        stage.admit(next).block();
        assertThat(next.responseHeaders().getFirst("x-ratelimit-remaining-requests"))
                .isEqualTo("2");
        assertThat(next.responseHeaders().getFirst("x-ratelimit-remaining-tokens"))
                .isEqualTo("900");
    }

    @Test
    void aCallLargerThanTheWholeLimitIsA400NotAnEndless429() {
        Call call = call("chat", 500, 600);
        assertThatThrownBy(() -> stage.admit(call).block()).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status().value()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("tokens_exceed_limit");
            assertThat(e.param()).isEqualTo("max_tokens");
            assertThat(e.getMessage()).contains("1100").contains("1000");
        });
        assertThat(call.responseHeaders().getFirst("x-ratelimit-remaining-tokens"))
                .isEqualTo("1000");
        assertThat(call.responseHeaders().getFirst("x-ratelimit-remaining-requests"))
                .isEqualTo("3");
    }

    @Test
    void embeddingsAreChargedTheirInputOnly() {
        Call call = new Call(
                "r",
                caller("k1"),
                deployment("emb", Kind.EMBEDDINGS),
                Operation.EMBEDDINGS,
                false,
                java.util.List.of("in"),
                Set.of(),
                40,
                0,
                1,
                0,
                clock.instant(),
                new HttpHeaders());
        stage.admit(call).block();
        assertThat(call.responseHeaders().getFirst("x-ratelimit-remaining-tokens"))
                .isEqualTo("60");
        assertThat(call.responseHeaders().containsHeader("x-ratelimit-limit-requests"))
                .isFalse();
    }

    @Test
    void perKeyLimitsApplyOnTopOfTheTenants() {
        book.replace(List.of(new Row("t", "chat", "k1", new QuotaLimits(1L, null))));
        stage.admit(call("chat", 1, 1, "k1")).block();
        assertThatThrownBy(() -> stage.admit(call("chat", 1, 1, "k1")).block()).isInstanceOf(ApiException.class);
        Call other = call("chat", 1, 1, "k2");
        stage.admit(other).block();
        assertThat(other.responseHeaders().getFirst("x-ratelimit-remaining-requests"))
                .isEqualTo("1");
    }

    @Test
    void aTenantOverrideReplacesTheDefaultAtOnce() {
        stage.admit(call("chat", 1, 1)).block();
        book.replace(List.of(new Row("t", "chat", "", new QuotaLimits(100L, null))));
        Call call = call("chat", 1, 1);
        stage.admit(call).block();
        assertThat(call.responseHeaders().getFirst("x-ratelimit-limit-requests"))
                .isEqualTo("100");
        assertThat(call.responseHeaders().getFirst("x-ratelimit-remaining-requests"))
                .isEqualTo("99");
        assertThat(call.responseHeaders().getFirst("x-ratelimit-limit-tokens"))
                .as("default kept")
                .isEqualTo("1000");
    }

    @Test
    void unlimitedDeploymentsAreNotCharged() {
        for (int i = 0; i < 5; i++) { // more than the 3 RPM of "chat": "free" has no limit at all
            Call call = new Call(
                    "r",
                    caller("k1"),
                    deployment("free", Kind.CHAT),
                    Operation.CHAT,
                    false,
                    java.util.List.of("hi"),
                    Set.of(),
                    1,
                    1,
                    1,
                    0,
                    clock.instant(),
                    new HttpHeaders());
            stage.admit(call).block();
            assertThat(call.responseHeaders().isEmpty()).isTrue();
        }
    }

    @Test
    void platformCallersAreNotCharged() {
        Caller platform = new Caller(null, "platform-key", Set.of(Scope.INFERENCE), Set.of());
        assertThat(platform.platform()).isTrue();
        for (int i = 0; i < 5; i++) { // more than the 3 RPM of "chat", which limits every tenant
            Call call = new Call(
                    "p" + i,
                    platform,
                    deployment("chat", Kind.CHAT),
                    Operation.CHAT,
                    false,
                    java.util.List.of("hi"),
                    Set.of(),
                    10,
                    90,
                    1,
                    0,
                    clock.instant(),
                    new HttpHeaders());
            stage.admit(call).block();
            assertThat(call.responseHeaders().isEmpty()).isTrue();
            stage.complete(call, ended(Outcome.COMPLETED, 10, 90));
        }
        Call tenants = call("chat", 10, 90);
        stage.admit(tenants).block();
        assertThat(tenants.responseHeaders().getFirst("x-ratelimit-remaining-requests"))
                .as("the platform's calls took nothing from a tenant's bucket")
                .isEqualTo("2");
        assertThat(tenants.responseHeaders().getFirst("x-ratelimit-remaining-tokens"))
                .isEqualTo("900");
    }

    @Test
    void localSharesEnforceLimitDividedByReplicas() {
        LocalBuckets shares = new LocalBuckets(new ClockTimeMeter(clock), 3, "local-share");
        QuotaStage onShares = new QuotaStage(book, Buckets.inMemory(shares, clock), metrics);
        Call call = call("chat", 1, 1);
        onShares.admit(call).block();
        assertThat(call.responseHeaders().getFirst("x-ratelimit-limit-requests"))
                .isEqualTo("1");
        assertThatThrownBy(() -> onShares.admit(call("chat", 1, 1)).block()).isInstanceOf(ApiException.class);
    }

    @Test
    void durationsAreWrittenAsOpenAiWritesThem() {
        assertThat(RateLimitHeaders.format(0)).isEqualTo("0s");
        assertThat(RateLimitHeaders.format(Duration.ofMillis(20))).isEqualTo("20ms");
        assertThat(RateLimitHeaders.format(Duration.ofMillis(8640))).isEqualTo("8.64s");
        assertThat(RateLimitHeaders.format(Duration.ofMinutes(6))).isEqualTo("6m0s");
        assertThat(RateLimitHeaders.format(Duration.ofMillis(61_500))).isEqualTo("1m1.5s");
        assertThat(RateLimitHeaders.format(1)).as("rounded up").isEqualTo("1ms");
    }

    private Call call(String deployment, int prompt, int maxTokens) {
        return call(deployment, prompt, maxTokens, "k1");
    }

    private Call call(String deployment, int prompt, int maxTokens, String key) {
        return new Call(
                "r",
                caller(key),
                deployment(deployment, Kind.CHAT),
                Operation.CHAT,
                false,
                java.util.List.of("hi"),
                Set.of(),
                prompt,
                maxTokens,
                1,
                0,
                clock.instant(),
                new HttpHeaders());
    }

    private static Caller caller(String key) {
        return new Caller("t", key, Set.of(Scope.INFERENCE), Set.of("*"));
    }

    @SuppressWarnings("NullAway") // no template or token counter on purpose: the quota stage uses neither
    private static Deployment deployment(String name, Kind kind) {
        return new Deployment(
                name,
                kind,
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
                null);
    }

    private CallResult ended(Outcome outcome, int prompt, int completion) {
        return new CallResult(outcome, new TokenUsage(prompt, completion, false), 200, null, clock.instant());
    }
}
