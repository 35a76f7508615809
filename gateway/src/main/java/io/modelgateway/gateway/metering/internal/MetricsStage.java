package io.modelgateway.gateway.metering.internal;

import static io.modelgateway.gateway.metering.MetricNames.*;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelgateway.gateway.metering.MetricsProperties;
import io.modelgateway.gateway.metering.TenantLabels;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.CallResult;
import io.modelgateway.gateway.pipeline.CallStage;
import io.modelgateway.gateway.pipeline.Operation;
import io.modelgateway.gateway.pipeline.Outcome;
import io.modelgateway.inference.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Records every call when it ends: the OpenTelemetry GenAI metrics for calls that reached a backend, the
 * request counter for all, and refusals by kind. Ordered first, so it also hears calls that later stages
 * (policy, quotas, credits) refused. Meters are cached per tag set: a call costs a few map reads.
 */
@Component
@Order(io.modelgateway.gateway.pipeline.StageOrder.METRICS)
public class MetricsStage implements CallStage {

    private static final Operation[] OPERATIONS = Operation.values();

    private record RequestKey(String deployment, String tenant, Outcome outcome, int status) {}

    private record RefusalKey(String name, String deployment, String tenant, String kind) {}

    private final MeterRegistry registry;
    private final TenantLabels tenants;
    private final ConcurrentHashMap<String, CallMeters[]> callMeters = new ConcurrentHashMap<>();
    /** Per deployment, per tenant label: the request counter of calls that completed with a 200 (most calls). */
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Counter>> completed = new ConcurrentHashMap<>();

    private final ConcurrentHashMap<RequestKey, Counter> requests = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<RefusalKey, Counter> refusals = new ConcurrentHashMap<>();

    public MetricsStage(MeterRegistry registry, MetricsProperties properties) {
        this.registry = registry;
        this.tenants = new TenantLabels(properties.maxTenantLabels());
        Gauge.builder(TENANT_LABELS, tenants, TenantLabels::size)
                .description("Distinct tenants with their own tenant label (capped)")
                .register(registry);
    }

    @Override
    public void complete(Call call, CallResult result) {
        String deployment = call.deployment().name();
        String tenant = tenants.of(call.tenant());
        requests(deployment, tenant, result.outcome(), result.status()).increment();
        if (result.outcome() == Outcome.REFUSED) {
            refused(deployment, tenant, result);
        }
        if (call.forwarded()) {
            record(meters(deployment, call.operation()), call, result);
        }
    }

    private void refused(String deployment, String tenant, CallResult result) {
        String name = result.status() == 429 ? QUOTA_REJECTIONS : REFUSALS;
        String kind = result.errorCode() == null ? "status_" + result.status() : result.errorCode();
        refusals.computeIfAbsent(
                        new RefusalKey(name, deployment, tenant, kind),
                        k -> Counter.builder(k.name())
                                .description(
                                        k.name().equals(QUOTA_REJECTIONS)
                                                ? "Calls refused with 429, by kind"
                                                : "Calls refused by policy or content rules, by kind")
                                .tag(DEPLOYMENT, k.deployment())
                                .tag(TENANT, k.tenant())
                                .tag(KIND, k.kind())
                                .register(registry))
                .increment();
    }

    private static void record(CallMeters m, Call call, CallResult result) {
        TokenUsage usage = result.usage();
        m.inputTokens.record(usage.promptTokens());
        if (call.operation() != Operation.EMBEDDINGS) {
            m.outputTokens.record(usage.completionTokens());
        }
        Instant started = call.startedAt();
        Instant first = call.firstTokenAt();
        Instant ended = result.endedAt();
        m.duration.record(nanos(started, ended), TimeUnit.NANOSECONDS);
        if (first != null && call.operation() != Operation.EMBEDDINGS) {
            m.timeToFirstToken.record(nanos(started, first), TimeUnit.NANOSECONDS);
            if (usage.completionTokens() > 1 && result.outcome() == Outcome.COMPLETED) {
                m.timePerOutputToken.record(nanos(first, ended) / (usage.completionTokens() - 1), TimeUnit.NANOSECONDS);
            }
        }
    }

    private CallMeters meters(String deployment, Operation operation) {
        CallMeters[] byOperation = callMeters.get(deployment);
        if (byOperation == null) {
            byOperation = callMeters.computeIfAbsent(deployment, d -> new CallMeters[OPERATIONS.length]);
        }
        CallMeters m = byOperation[operation.ordinal()];
        if (m == null) {
            // Registering twice is harmless: the registry returns the same meters.
            m = new CallMeters(registry, deployment, operation);
            byOperation[operation.ordinal()] = m;
        }
        return m;
    }

    /** The request counter; a completed 200 is found without a key object (labels are bounded). */
    private Counter requests(String deployment, String tenant, Outcome outcome, int status) {
        if (outcome != Outcome.COMPLETED || status != 200) {
            return requests.computeIfAbsent(new RequestKey(deployment, tenant, outcome, status), this::counter);
        }
        ConcurrentHashMap<String, Counter> byTenant = completed.get(deployment);
        if (byTenant == null) {
            byTenant = completed.computeIfAbsent(deployment, d -> new ConcurrentHashMap<>());
        }
        Counter c = byTenant.get(tenant);
        if (c == null) {
            c = byTenant.computeIfAbsent(
                    tenant,
                    t -> requests.computeIfAbsent(
                            new RequestKey(deployment, t, Outcome.COMPLETED, 200), this::counter));
        }
        return c;
    }

    private Counter counter(RequestKey k) {
        return Counter.builder(REQUESTS)
                .description("Calls that entered the pipeline, by deployment, tenant, outcome and status")
                .tag(DEPLOYMENT, k.deployment())
                .tag(TENANT, k.tenant())
                .tag(OUTCOME, k.outcome().value())
                .tag(STATUS, Integer.toString(k.status()))
                .register(registry);
    }

    private static long nanos(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toNanos());
    }
}
