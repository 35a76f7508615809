package io.modelgateway.modelserver.internal;

import inference.ModelInferResponse;
import io.grpc.Status;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits one echo request: without delays synchronously on the calling thread, otherwise step by step on the
 * shared timer. A cancelled request stops between tokens and its pending timer is cancelled.
 */
final class EchoRun {

    private static final Logger log = LoggerFactory.getLogger(EchoRun.class);

    private final EchoRequest request;
    private final EchoPlan plan;
    private final ResponseSink sink;
    private final ScheduledExecutorService timer;
    private final EchoFormat format;
    private final long interTokenNanos;
    private ScheduledFuture<?> pending; // guarded by this

    EchoRun(EchoRequest request, EchoPlan plan, ResponseSink sink, ScheduledExecutorService timer, EchoFormat format) {
        this.request = request;
        this.format = format;
        this.plan = plan;
        this.sink = sink;
        this.timer = timer;
        this.interTokenNanos = request.speed().interTokenDelay().toNanos();
    }

    void start() {
        sink.onCancel(this::stopTimer);
        long firstToken = request.speed().timeToFirstToken().toNanos();
        if (request.stream()) {
            after(firstToken, () -> emitFrom(0));
        } else {
            after(firstToken + interTokenNanos * (plan.tokens().size() - 1), this::emitWhole);
        }
    }

    private void emitFrom(int index) {
        int count = plan.tokens().size();
        for (int i = index; i < count; i++) {
            if (sink.isCancelled()) {
                return;
            }
            boolean last = i == count - 1;
            sink.send(response(plan.tokens().get(i), last, 1), last);
            if (!last && interTokenNanos > 0) {
                int next = i + 1;
                after(interTokenNanos, () -> emitFrom(next));
                return;
            }
        }
    }

    private void emitWhole() {
        if (!sink.isCancelled()) {
            String text = (request.echoPrompt() ? request.prompt() : "") + plan.text();
            sink.send(response(text, true, plan.tokens().size()), true);
        }
    }

    private ModelInferResponse response(String text, boolean last, int outputTokens) {
        return format.response(request, plan, text, last, outputTokens);
    }

    private void after(long delayNanos, Runnable step) {
        if (delayNanos <= 0) {
            step.run();
            return;
        }
        try {
            schedule(delayNanos, step);
        } catch (RejectedExecutionException e) {
            sink.fail(InferException.fromModel(Status.Code.UNAVAILABLE, "model server is shutting down"));
        }
    }

    private synchronized void schedule(long delayNanos, Runnable step) {
        if (!sink.isCancelled()) {
            pending = timer.schedule(() -> guarded(step), delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void guarded(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            log.warn("echo request {} failed", request.request().getId(), e);
            sink.fail(InferException.fromModel(Status.Code.INTERNAL, "echo failed: " + e));
        }
    }

    private synchronized void stopTimer() {
        if (pending != null) {
            pending.cancel(false);
        }
    }
}
