package io.modelgateway.gateway.metering.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.config.MeterFilter;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps {@code /actuator/prometheus} clean for {@code promtool check metrics}: every meter gets help text, and gauges
 * no longer end in {@code _count} ({@code system_cpu_cores}, {@code spring_cloud_gateway_routes}), which
 * Prometheus reserves for histograms and summaries. Two JVM counters kept in ms and ns are replaced by
 * counters in seconds: {@code process_cpu_seconds_total} (Prometheus' usual name) and
 * {@code jvm_compilation_seconds_total}.
 */
@Configuration(proxyBeanMethods = false)
public class PrometheusHygiene {

    private static final Set<String> IN_MS_OR_NS = Set.of("jvm.compilation.time", "process.cpu.time");
    private static final Map<String, String> RENAMED = Map.of(
            "system.cpu.count", "system.cpu.cores",
            "spring.cloud.gateway.routes.count", "spring.cloud.gateway.routes");

    @Bean
    MeterFilter denyCountersInMillisOrNanos() {
        return MeterFilter.deny(id -> IN_MS_OR_NS.contains(id.getName()));
    }

    @Bean
    MeterBinder cpuAndCompilationSeconds() {
        return registry -> {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                FunctionCounter.builder("process.cpu.seconds", os, o -> o.getProcessCpuTime() / 1e9)
                        .description("CPU time used by the JVM process")
                        .register(registry);
            }
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            if (jit != null && jit.isCompilationTimeMonitoringSupported()) {
                FunctionCounter.builder("jvm.compilation.seconds", jit, c -> c.getTotalCompilationTime() / 1e3)
                        .description("Time spent in just-in-time compilation")
                        .register(registry);
            }
        };
    }

    @Bean
    MeterFilter prometheusNamesFilter() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String name = RENAMED.getOrDefault(id.getName(), id.getName());
                String unit = id.getBaseUnit();
                String description =
                        id.getDescription() == null || id.getDescription().isBlank()
                                ? id.getName()
                                : id.getDescription();
                if (name.equals(id.getName())
                        && java.util.Objects.equals(unit, id.getBaseUnit())
                        && description.equals(id.getDescription())) {
                    return id;
                }
                return new Meter.Id(
                        name,
                        io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()),
                        unit,
                        description,
                        id.getType());
            }
        };
    }
}
