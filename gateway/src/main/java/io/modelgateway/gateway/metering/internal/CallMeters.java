package io.modelgateway.gateway.metering.internal;

import static io.modelgateway.gateway.metering.MetricNames.*;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.modelgateway.gateway.pipeline.Operation;
import java.time.Duration;

/**
 * The GenAI meters of one deployment and operation, built once and reused by every call (no registry
 * lookups on the request path). Histogram buckets follow OpenTelemetry's advice for these metrics.
 */
final class CallMeters {

    private static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576};
    private static final Duration[] DURATION_BUCKETS =
            seconds(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
    private static final Duration[] TTFT_BUCKETS =
            seconds(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
    private static final Duration[] TPOT_BUCKETS =
            seconds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5);

    final DistributionSummary inputTokens;
    final DistributionSummary outputTokens;
    final Timer duration;
    final Timer timeToFirstToken;
    final Timer timePerOutputToken;

    CallMeters(MeterRegistry registry, String deployment, Operation operation) {
        String op = operation.otelName();
        inputTokens = tokens(registry, deployment, op, "input");
        outputTokens = tokens(registry, deployment, op, "output");
        duration = timer(
                registry,
                GEN_AI_REQUEST_DURATION,
                deployment,
                op,
                DURATION_BUCKETS,
                "Time from a request's arrival to its end, for calls that reached a backend");
        timeToFirstToken = timer(
                registry,
                GEN_AI_TIME_TO_FIRST_TOKEN,
                deployment,
                op,
                TTFT_BUCKETS,
                "Time from a request's arrival to its first output token");
        timePerOutputToken = timer(
                registry,
                GEN_AI_TIME_PER_OUTPUT_TOKEN,
                deployment,
                op,
                TPOT_BUCKETS,
                "Time per output token after the first");
    }

    private static DistributionSummary tokens(MeterRegistry registry, String deployment, String op, String type) {
        return DistributionSummary.builder(GEN_AI_TOKEN_USAGE)
                .description("Tokens per call, by token type")
                .baseUnit("tokens")
                .tag(REQUEST_MODEL, deployment)
                .tag(OPERATION, op)
                .tag(TOKEN_TYPE, type)
                .serviceLevelObjectives(TOKEN_BUCKETS)
                .register(registry);
    }

    private static Timer timer(
            MeterRegistry registry, String name, String deployment, String op, Duration[] buckets, String description) {
        return Timer.builder(name)
                .description(description)
                .tag(REQUEST_MODEL, deployment)
                .tag(OPERATION, op)
                .serviceLevelObjectives(buckets)
                .register(registry);
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return out;
    }
}
