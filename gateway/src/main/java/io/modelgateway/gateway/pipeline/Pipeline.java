package io.modelgateway.gateway.pipeline;

import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.edge.error.OpenAiErrors;
import io.modelgateway.inference.TokenUsage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Runs the {@link CallStage}s: {@link #admit} before a call is forwarded, {@link #complete} exactly once
 * when it ends. A refusal by one stage completes the stages before it with {@link Outcome#REFUSED}, so
 * what they reserved is released, and reaches the client as the refusing stage's error.
 */
@Component
public class Pipeline {

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final CallStage[] stages;
    private final Clock clock;
    private final Map<Executor, Scheduler> loopSchedulers = new ConcurrentHashMap<>();

    public Pipeline(List<CallStage> stages, Clock clock) {
        this.stages = stages.toArray(CallStage[]::new);
        this.clock = clock;
    }

    /**
     * Runs every stage's admission. When one decided later (a Redis script's answer, say), the caller resumes on
     * the request's own event loop ({@link Call#resumeOn}), not on the thread that decided: the backend call is
     * then started there, on the channel bound to that loop, and its answer needs no hop back to be written.
     */
    public Mono<Void> admit(Call call) {
        return Mono.defer(() -> {
            Mono<Void> admission = admitFrom(call, 0);
            return admission == Mono.<Void>empty() ? admission : onRequestLoop(call, admission);
        });
    }

    private Mono<Void> onRequestLoop(Call call, Mono<Void> signals) {
        Executor loop = call.resumeOn();
        return loop == null
                ? signals
                : signals.publishOn(loopSchedulers.computeIfAbsent(loop, Schedulers::fromExecutor));
    }

    /**
     * What every stage would decide about the call now ({@link CallStage#quote}), in admission order, without
     * reserving anything; the call is never forwarded nor ended. Stages after a refusing one are asked too, so
     * the quote names every limit that would refuse the call.
     */
    public Mono<Quote> quote(Call call) {
        Quote quote = new Quote();
        Mono<Void> chain = Mono.empty();
        for (CallStage stage : stages) {
            chain = chain.then(Mono.defer(() -> stage.quote(call, quote)).onErrorResume(ApiException.class, e -> {
                quote.refuse(new Quote.Refusal("service", null, e, null));
                return Mono.empty();
            }));
        }
        return chain.thenReturn(quote);
    }

    /**
     * Runs the stages from {@code from} on. A stage that admits at once (returns {@code Mono.empty()}, as most do
     * when they answer from memory) is passed without building operators for it; the first one that answers
     * later or refuses gets the cancel and error handling below, and the stages after it run when it admits.
     */
    private Mono<Void> admitFrom(Call call, int from) {
        int index = from;
        Mono<Void> decision;
        while (true) {
            if (index == stages.length) {
                return Mono.empty();
            }
            try {
                decision = stages[index].admit(call);
            } catch (RuntimeException e) {
                decision = Mono.error(e);
            }
            if (decision != Mono.<Void>empty()) {
                break;
            }
            index++;
        }
        int deciding = index;
        return decision
                // The client left while this stage was deciding: the stages before it admitted the call and
                // hear that it ended unforwarded (what they reserved is released); the deciding stage undoes
                // its own partial work on cancel (a credit hold, say).
                .doOnCancel(() -> completeUpTo(
                        call,
                        deciding,
                        new CallResult(
                                Outcome.REFUSED, CallResult.NO_USAGE, 499, "client_closed_request", clock.instant())))
                .onErrorResume(e -> {
                    completeUpTo(call, deciding, refused(call, e));
                    return Mono.error(e);
                })
                .then(Mono.defer(() -> admitFrom(call, deciding + 1)));
    }

    /** Ends the call: every stage hears of it once, in reverse order. Later calls are ignored. */
    public void complete(Call call, CallResult result) {
        completeUpTo(call, stages.length, result);
    }

    /**
     * Ends the call like {@link #complete} and completes once every stage's record of it is durable (see
     * {@link CallStage#durable}): the answer's last bytes are released after it. Never errors.
     */
    public Mono<Void> completeDurably(Call call, CallResult result) {
        if (!completeUpTo(call, stages.length, result)) {
            return Mono.empty();
        }
        List<Mono<Void>> waits = new ArrayList<>(1);
        for (CallStage stage : stages) {
            Mono<Void> wait = stage.durable(call);
            if (wait != Mono.<Void>empty()) {
                waits.add(wait);
            }
        }
        if (waits.isEmpty()) {
            return Mono.empty();
        }
        Mono<Void> all = waits.size() == 1 ? waits.get(0) : Mono.when(waits);
        all = all.onErrorResume(e -> {
            log.error("request {}: waiting for its records to be durable failed", call.requestId(), e);
            return Mono.empty();
        });
        // The wait ends on the thread that made the records durable (the usage spool's when it forces groups to
        // disk, or another request's loop that appended this call's record with its own): the answer's last bytes
        // are written from the request's own event loop, not by that thread.
        return onRequestLoop(call, all);
    }

    private boolean completeUpTo(Call call, int count, CallResult result) {
        if (!call.end()) {
            return false;
        }
        for (int i = count - 1; i >= 0; i--) {
            try {
                stages[i].complete(call, result);
            } catch (RuntimeException e) {
                log.error(
                        "call stage {} failed to complete request {}",
                        stages[i].getClass().getSimpleName(),
                        call.requestId(),
                        e);
            }
        }
        return true;
    }

    private CallResult refused(Call call, Throwable e) {
        ApiException api = OpenAiErrors.classify(e);
        if (ApiException.CONTENT_FILTER.equals(api.code())) {
            TokenUsage usage =
                    call.billedWhenFiltered() ? new TokenUsage(call.promptTokens(), 0, true) : CallResult.NO_USAGE;
            return new CallResult(Outcome.FILTERED, usage, api.status().value(), api.code(), clock.instant());
        }
        return new CallResult(Outcome.REFUSED, CallResult.NO_USAGE, api.status().value(), api.code(), clock.instant());
    }
}
