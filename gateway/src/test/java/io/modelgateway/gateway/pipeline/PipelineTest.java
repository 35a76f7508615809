package io.modelgateway.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.inference.TokenUsage;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Mono;

@SuppressWarnings("NullAway") // passes nulls on purpose (a call without a deployment, a null slot value)
class PipelineTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC);

    private final List<String> events = new ArrayList<>();

    private final class Recording implements CallStage {
        private final String name;
        private final ApiException refusal;

        Recording(String name, ApiException refusal) {
            this.name = name;
            this.refusal = refusal;
        }

        @Override
        public Mono<Void> admit(Call call) {
            events.add("admit " + name);
            return refusal == null ? Mono.empty() : Mono.error(refusal);
        }

        @Override
        public void complete(Call call, CallResult result) {
            events.add("complete " + name + " " + result.outcome().value() + " " + result.status());
        }
    }

    private static final Call.Slot<String> FIRST = Call.Slot.of("test.first");
    private static final Call.Slot<Integer> SECOND = Call.Slot.of("test.second");

    @Test
    void eachSlotHoldsItsOwnTypedValuePerCallAcrossThreads() throws Exception {
        Call call = call();
        assertThat(call.get(FIRST)).isNull();
        call.put(FIRST, "held");
        Integer readThere = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    call.put(SECOND, 7);
                    return call.get(SECOND);
                })
                .get();
        assertThat(readThere).isEqualTo(7);
        assertThat(call.get(SECOND)).as("put on another thread, read here").isEqualTo(7);
        assertThat(call.get(FIRST)).isEqualTo("held");
        assertThat(call().get(FIRST)).as("another call has its own slots").isNull();
        assertThatThrownBy(() -> call.put(FIRST, null)).isInstanceOf(NullPointerException.class);
    }

    private static Call call() {
        return new Call(
                "req-1",
                new Caller("t1", "key-1", Set.of(), Set.of("*")),
                null,
                Operation.CHAT,
                false,
                java.util.List.of("hi"),
                Set.of(),
                10,
                100,
                1,
                50,
                CLOCK.instant(),
                new HttpHeaders());
    }

    /**
     * The thread on which {@code step} (of a call that resumes on a "request-loop" executor) completes, when what
     * it waits for, {@code decided}, is completed by a thread named {@code decider}.
     */
    private static String resumedOn(
            java.util.concurrent.CompletableFuture<Void> decided,
            String decider,
            java.util.function.Function<Call, Mono<Void>> step)
            throws Exception {
        java.util.concurrent.ExecutorService loop =
                java.util.concurrent.Executors.newSingleThreadExecutor(r -> new Thread(r, "request-loop"));
        try {
            Call call = call();
            call.resumeOn(loop);
            java.util.concurrent.CompletableFuture<String> resumed = new java.util.concurrent.CompletableFuture<>();
            step.apply(call)
                    .doOnSuccess(v -> resumed.complete(Thread.currentThread().getName()))
                    .subscribe();
            new Thread(() -> decided.complete(null), decider).start();
            return resumed.get(10, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            loop.shutdownNow();
        }
    }

    @Test
    void theAnswerResumesOnTheRequestsOwnExecutorNotOnTheThreadThatMadeTheRecordDurable() throws Exception {
        java.util.concurrent.CompletableFuture<Void> spooled = new java.util.concurrent.CompletableFuture<>();
        CallStage usage = new CallStage() {
            @Override
            public Mono<Void> durable(Call call) {
                return Mono.fromFuture(spooled, true);
            }
        };
        Pipeline pipeline = new Pipeline(List.of(usage), CLOCK);
        CallResult done = new CallResult(Outcome.COMPLETED, new TokenUsage(10, 5, false), 200, null, CLOCK.instant());
        assertThat(resumedOn(spooled, "usage-spool", call -> pipeline.completeDurably(call, done)))
                .isEqualTo("request-loop");
    }

    @Test
    void anAdmissionDecidedOnAnotherThreadResumesOnTheRequestsOwnExecutor() throws Exception {
        java.util.concurrent.CompletableFuture<Void> decided = new java.util.concurrent.CompletableFuture<>();
        CallStage redisLike = new CallStage() {
            @Override
            public Mono<Void> admit(Call call) {
                return Mono.fromFuture(decided, true);
            }
        };
        Pipeline pipeline = new Pipeline(List.of(new Recording("a", null), redisLike), CLOCK);
        assertThat(resumedOn(decided, "redis-io", pipeline::admit)).isEqualTo("request-loop");
    }

    @Test
    void aRecordAlreadyDurableLetsTheAnswerGoOnAtOnceOnTheCallersThread() {
        java.util.concurrent.Executor never = task -> {
            throw new AssertionError("a record already durable needs no hop");
        };
        CallStage usage = new CallStage() {
            @Override
            public Mono<Void> durable(Call call) {
                return CallStage.untilDone(java.util.concurrent.CompletableFuture.completedFuture(null));
            }
        };
        Pipeline pipeline = new Pipeline(List.of(usage), CLOCK);
        Call call = call();
        call.resumeOn(never);
        CallResult done = new CallResult(Outcome.COMPLETED, new TokenUsage(10, 5, false), 200, null, CLOCK.instant());
        String caller = Thread.currentThread().getName();
        String[] continuedOn = new String[1];
        pipeline.completeDurably(call, done)
                .doOnSuccess(v -> continuedOn[0] = Thread.currentThread().getName())
                .block();
        assertThat(continuedOn[0]).isEqualTo(caller);
    }

    @Test
    void untilDoneWaitsForAFutureNotDoneAndPassesAFailureOn() {
        java.util.concurrent.CompletableFuture<Void> pending = new java.util.concurrent.CompletableFuture<>();
        Mono<Void> waiting = CallStage.untilDone(pending);
        assertThat(waiting).isNotSameAs(Mono.<Void>empty());
        pending.complete(null);
        assertThat(waiting.hasElement().block()).isFalse();
        assertThat(CallStage.untilDone(java.util.concurrent.CompletableFuture.completedFuture(null)))
                .isSameAs(Mono.<Void>empty());
        IllegalStateException failure = new IllegalStateException("spool");
        Mono<Void> failed = CallStage.untilDone(java.util.concurrent.CompletableFuture.failedFuture(failure));
        org.assertj.core.api.Assertions.assertThatThrownBy(failed::block).isSameAs(failure);
    }

    @Test
    void anAdmissionDecidedAtOnceContinuesOnTheCallersThread() {
        java.util.concurrent.Executor never = task -> {
            throw new AssertionError("an admission decided at once needs no hop");
        };
        Pipeline pipeline = new Pipeline(List.of(new Recording("a", null), new Recording("b", null)), CLOCK);
        Call call = call();
        call.resumeOn(never);
        String caller = Thread.currentThread().getName();
        String[] continuedOn = new String[1];
        pipeline.admit(call)
                .doOnSuccess(v -> continuedOn[0] = Thread.currentThread().getName())
                .block();
        assertThat(continuedOn[0]).isEqualTo(caller);
    }

    @Test
    void admitsInOrderAndCompletesInReverseOnce() {
        Pipeline pipeline = new Pipeline(List.of(new Recording("a", null), new Recording("b", null)), CLOCK);
        Call call = call();
        pipeline.admit(call).block();
        CallResult done = new CallResult(Outcome.COMPLETED, new TokenUsage(10, 5, false), 200, null, CLOCK.instant());
        pipeline.complete(call, done);
        pipeline.complete(call, done);
        assertThat(events)
                .containsExactly("admit a", "admit b", "complete b completed 200", "complete a completed 200");
    }

    @Test
    void aRefusalReleasesTheStagesBeforeItAndStopsTheRest() {
        ApiException limit = ApiException.of(
                org.springframework.http.HttpStatus.TOO_MANY_REQUESTS,
                "requests",
                null,
                "rate_limit_exceeded",
                "slow down");
        Pipeline pipeline = new Pipeline(
                List.of(new Recording("a", null), new Recording("b", limit), new Recording("c", null)), CLOCK);
        Call call = call();
        assertThatThrownBy(() -> pipeline.admit(call).block()).isSameAs(limit);
        pipeline.complete(call, new CallResult(Outcome.FAILED, CallResult.NO_USAGE, 500, null, CLOCK.instant()));
        assertThat(events).containsExactly("admit a", "admit b", "complete a refused 429");
    }

    @Test
    void aClientLeavingDuringAdmissionReleasesTheStagesThatAdmittedIt() {
        reactor.core.publisher.Sinks.Empty<Void> pending = reactor.core.publisher.Sinks.empty();
        CallStage deciding = new CallStage() {
            @Override
            public Mono<Void> admit(Call call) {
                events.add("admit slow");
                return pending.asMono();
            }

            @Override
            public void complete(Call call, CallResult result) {
                events.add("complete slow " + result.outcome().value());
            }
        };
        Pipeline pipeline = new Pipeline(List.of(new Recording("a", null), deciding, new Recording("c", null)), CLOCK);
        Call call = call();
        reactor.core.Disposable admission = pipeline.admit(call).subscribe();
        admission.dispose(); // the client went away while the second stage was still deciding
        pipeline.complete(call, new CallResult(Outcome.FAILED, CallResult.NO_USAGE, 500, null, CLOCK.instant()));
        assertThat(events).containsExactly("admit a", "admit slow", "complete a refused 499");
    }

    @Test
    void aStageThatThrowsOnCompletionDoesNotStopTheOthers() {
        CallStage broken = new CallStage() {
            @Override
            public void complete(Call call, CallResult result) {
                throw new IllegalStateException("boom");
            }
        };
        Pipeline pipeline = new Pipeline(List.of(new Recording("a", null), broken), CLOCK);
        Call call = call();
        pipeline.admit(call).block();
        pipeline.complete(
                call, new CallResult(Outcome.CUT_SHORT, new TokenUsage(10, 3, true), 200, null, CLOCK.instant()));
        assertThat(events).containsExactly("admit a", "complete a cut_short 200");
    }

    @Test
    void maxTokensCanOnlyBeLowered() {
        Call call = call();
        call.limitMaxTokens(500);
        assertThat(call.maxTokens()).isEqualTo(100);
        call.limitMaxTokens(40);
        assertThat(call.maxTokens()).isEqualTo(40);
        assertThatThrownBy(() -> call.limitMaxTokens(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
