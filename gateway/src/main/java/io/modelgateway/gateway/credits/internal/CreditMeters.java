package io.modelgateway.gateway.credits.internal;

import static io.modelgateway.gateway.metering.MetricNames.CREDIT_BALANCE;
import static io.modelgateway.gateway.metering.MetricNames.CREDIT_CAPTURED;
import static io.modelgateway.gateway.metering.MetricNames.CREDIT_HOLDS;
import static io.modelgateway.gateway.metering.MetricNames.RESULT;
import static io.modelgateway.gateway.metering.MetricNames.TENANT;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelgateway.gateway.metering.TenantLabels;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The credit meters by tenant (labels capped like every tenant label): holds by result, micro-credits
 * captured (the burn) and the available balance as of the last check. Meters are created once per tenant
 * and cached, so the request path does a map read.
 */
final class CreditMeters {

    /** Publishes nothing (no registry). */
    static final CreditMeters NONE = new CreditMeters(null, 0);

    enum HoldResult {
        HELD,
        LOWERED,
        REFUSED
    }

    private final MeterRegistry registry;
    private final TenantLabels tenants;
    private final Map<String, Counter> holds = new ConcurrentHashMap<>();
    private final Map<String, Counter> captured = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> balances = new ConcurrentHashMap<>();

    CreditMeters(MeterRegistry registry, int maxTenantLabels) {
        this.registry = registry;
        this.tenants = new TenantLabels(maxTenantLabels);
    }

    void hold(String tenant, HoldResult result) {
        if (registry == null) {
            return;
        }
        String label = tenants.of(tenant);
        String r = result.name().toLowerCase(java.util.Locale.ROOT);
        holds.computeIfAbsent(
                        label + '\n' + r,
                        k -> Counter.builder(CREDIT_HOLDS)
                                .description("Credit holds taken at admission, by result")
                                .tag(TENANT, label)
                                .tag(RESULT, r)
                                .register(registry))
                .increment();
    }

    void captured(String tenant, long micros) {
        if (registry == null || micros <= 0) {
            return;
        }
        String label = tenants.of(tenant);
        captured.computeIfAbsent(
                        label,
                        l -> Counter.builder(CREDIT_CAPTURED)
                                .description("Micro-credits captured when calls end (the credit burn)")
                                .tag(TENANT, l)
                                .register(registry))
                .increment(micros);
    }

    /** The balance found by the periodic check; tenants beyond the label cap are not published one by one. */
    void balance(String tenant, long micros) {
        String label = tenants.of(tenant);
        if (registry == null || TenantLabels.OTHER.equals(label)) {
            return;
        }
        balances.computeIfAbsent(label, l -> {
                    AtomicLong value = new AtomicLong();
                    Gauge.builder(CREDIT_BALANCE, value, AtomicLong::get)
                            .description("A tenant's available credit balance in micro-units, as of the last check")
                            .tag(TENANT, l)
                            .register(registry);
                    return value;
                })
                .set(micros);
    }
}
