package io.modelgateway.bench;

import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.config.GatewayProperties.Kind;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.deployment.HttpUpstream;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.CallResult;
import io.modelgateway.gateway.pipeline.CallStage;
import io.modelgateway.gateway.pipeline.Operation;
import io.modelgateway.gateway.pipeline.Outcome;
import io.modelgateway.inference.TokenCounter;
import io.modelgateway.inference.TokenUsage;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.springframework.http.HttpHeaders;

/**
 * Runs the gateway's real call stages in a loop, the way the pipeline does for one call: every stage's
 * {@code admit} (waited for), then {@code complete} in reverse order, then {@code durable} (waited for, as
 * the answer's last bytes are). No HTTP, no backend: what is timed is what the stages add to a call.
 */
final class StageLoop {

    static final Deployment DEPLOYMENT = new Deployment(
            "bench",
            Kind.CHAT,
            "echo",
            null,
            null,
            TokenCounter.cl100k(),
            16,
            4096,
            Duration.ofSeconds(30),
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            new HttpUpstream(
                    "bench", URI.create("http://127.0.0.1:1"), "", Duration.ofSeconds(30), Duration.ofSeconds(30)),
            null);

    private final String name;
    private final List<CallStage> stages;
    private final String tenant;

    StageLoop(String name, String tenant, CallStage... stages) {
        this.name = name;
        this.tenant = tenant;
        this.stages = List.of(stages);
    }

    /** One call through the stages; its time in nanoseconds. */
    long once() {
        Call call = new Call(
                UUID.randomUUID().toString(),
                new Caller(tenant, "key-1", Set.of(), Set.of()),
                DEPLOYMENT,
                Operation.CHAT,
                false,
                java.util.List.of("a prompt"),
                Set.of(),
                40,
                16,
                1,
                300,
                Instant.now(),
                new HttpHeaders());
        long t0 = System.nanoTime();
        for (CallStage s : stages) {
            s.admit(call).block();
        }
        call.markForwarded();
        CallResult result = new CallResult(Outcome.COMPLETED, new TokenUsage(40, 12, false), 200, null, Instant.now());
        for (int i = stages.size() - 1; i >= 0; i--) {
            stages.get(i).complete(call, result);
        }
        for (CallStage s : stages) {
            s.durable(call).block();
        }
        return System.nanoTime() - t0;
    }

    /** {@code calls} calls on each of {@code threads} threads, after {@code calls / 5} untimed ones each. */
    String run(int threads, int calls) throws InterruptedException {
        Histogram h = new Histogram(3);
        AtomicLong failures = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            workers.add(new Thread(() -> {
                for (int j = 0; j < calls / 5; j++) {
                    once();
                }
            }));
        }
        runAll(workers);
        workers.clear();
        long start = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            workers.add(new Thread(() -> {
                for (int j = 0; j < calls; j++) {
                    try {
                        long ns = once();
                        synchronized (h) {
                            h.recordValue(ns);
                        }
                    } catch (RuntimeException e) {
                        failures.incrementAndGet();
                    }
                }
            }));
        }
        runAll(workers);
        double seconds = (System.nanoTime() - start) / 1e9;
        return String.format(
                "%-34s c=%-3d %8.0f calls/s  mean %7.1f us  p50 %7.1f us  p99 %7.1f us%s",
                name,
                threads,
                threads * calls / seconds,
                h.getMean() / 1000,
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                failures.get() > 0 ? "  (" + failures.get() + " failed)" : "");
    }

    private static void runAll(List<Thread> threads) throws InterruptedException {
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
    }
}
