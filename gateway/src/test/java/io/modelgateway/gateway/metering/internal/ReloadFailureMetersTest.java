package io.modelgateway.gateway.metering.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelgateway.gateway.metering.MetricNames;
import io.modelgateway.gateway.runtime.Reloader;
import io.modelgateway.gateway.runtime.Reloads;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** Failed reloads are counted per source, for reloaders made before and after the metrics began watching. */
class ReloadFailureMetersTest {

    private final Scheduler scheduler = Schedulers.newSingle("reload-meters-test");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void dispose() {
        scheduler.dispose();
    }

    private double failures(String source) {
        return registry.get(MetricNames.RELOAD_FAILURES)
                .tag(MetricNames.SOURCE, source)
                .functionCounter()
                .count();
    }

    @Test
    void eachSourcesFailedReloadsAreCounted() {
        Reloads reloads = new Reloads(scheduler);
        AtomicBoolean down = new AtomicBoolean(true);
        Reloader before = reloads.reloader(
                "tenancy",
                () -> {
                    if (down.get()) {
                        throw new IllegalStateException("database down");
                    }
                },
                Duration.ofHours(1));
        ReloadFailureMeters.count(reloads, registry);
        Reloader after = reloads.reloader(
                "quota limits",
                () -> {
                    throw new IllegalStateException("always broken");
                },
                Duration.ofHours(1));

        assertThat(failures("tenancy")).isZero();
        assertThat(before.reloadQuietly()).isFalse();
        assertThat(before.reloadQuietly()).isFalse();
        assertThat(after.reloadQuietly()).isFalse();

        assertThat(failures("tenancy")).isEqualTo(2);
        assertThat(failures("quota limits")).isEqualTo(1);

        down.set(false);
        assertThat(before.reloadQuietly()).isTrue();
        assertThat(failures("tenancy")).as("a good reload counts nothing").isEqualTo(2);
    }
}
