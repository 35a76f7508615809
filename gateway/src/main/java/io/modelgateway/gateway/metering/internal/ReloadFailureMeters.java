package io.modelgateway.gateway.metering.internal;

import static io.modelgateway.gateway.metering.MetricNames.RELOAD_FAILURES;
import static io.modelgateway.gateway.metering.MetricNames.SOURCE;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.modelgateway.gateway.runtime.Reloader;
import io.modelgateway.gateway.runtime.Reloads;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** Counts each reload source's failed reloads ({@code gateway_reload_failures_total{source}}). */
@Component
final class ReloadFailureMeters {

    ReloadFailureMeters(Reloads reloads, ObjectProvider<MeterRegistry> registry) {
        registry.ifAvailable(r -> count(reloads, r));
    }

    static void count(Reloads reloads, MeterRegistry registry) {
        reloads.watch(reloader -> FunctionCounter.builder(RELOAD_FAILURES, reloader, Reloader::failures)
                .tag(SOURCE, reloader.what())
                .description("Reloads of stored state that failed (the state in force was kept)")
                .register(registry));
    }
}
