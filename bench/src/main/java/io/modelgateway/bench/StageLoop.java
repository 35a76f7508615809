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
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.http.HttpHeaders;

/**
 * Runs the gateway's real call stages, the way the pipeline does for one call: every stage's {@code admit}
 * (waited for), then {@code complete} in reverse order, then {@code durable} (waited for, as the answer's last
 * bytes are). No HTTP, no backend: what the JMH benchmarks time is what the stages add to a call.
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

    private final List<CallStage> stages;
    private final String tenant;

    StageLoop(String tenant, CallStage... stages) {
        this.tenant = tenant;
        this.stages = List.of(stages);
    }

    /** A new call of this loop's tenant, as a handler builds it. */
    Call newCall() {
        return new Call(
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
    }

    /** {@code call} through the stages, as the pipeline takes it: admit, complete in reverse, durable. */
    void through(Call call) {
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
    }
}
