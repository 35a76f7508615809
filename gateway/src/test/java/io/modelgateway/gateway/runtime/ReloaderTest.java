package io.modelgateway.gateway.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/** Periodic reloads, reloads on a signal (never dropped), failures counted with the state in force kept. */
class ReloaderTest {

    private final Scheduler scheduler = Schedulers.newBoundedElastic(1, 100, "reloader-test");
    private final AtomicInteger reloads = new AtomicInteger();

    @AfterEach
    void dispose() {
        scheduler.dispose();
    }

    @Test
    void reloadsPeriodicallyOnceStarted() {
        try (Reloader r = new Reloader("test", reloads::incrementAndGet, Duration.ofMillis(20), scheduler)) {
            r.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> reloads.get() >= 3);
        }
    }

    @Test
    void aFailedReloadIsCountedAndTheNextOneHeals() {
        AtomicReference<String> state = new AtomicReference<>("v1");
        AtomicReference<RuntimeException> fault = new AtomicReference<>(new IllegalStateException("database down"));
        Reloader r = new Reloader(
                "test",
                () -> {
                    RuntimeException e = fault.get();
                    if (e != null) {
                        throw e;
                    }
                    state.set("v2");
                },
                Duration.ofHours(1),
                scheduler);

        assertThatThrownBy(r::reload).hasMessage("database down");
        assertThat(r.reloadQuietly()).isFalse();
        r.reloadSoon();
        await().atMost(Duration.ofSeconds(10)).until(() -> r.failures() == 2);
        assertThat(state.get()).as("the state in force is kept").isEqualTo("v1");

        fault.set(null);
        r.reloadSoon();
        await().atMost(Duration.ofSeconds(10)).until(() -> "v2".equals(state.get()));
        assertThat(r.failures()).isEqualTo(2);
    }

    @Test
    void aSignalDuringAReloadQueuesAnotherOneAndSignalsBeforeItStartsShareIt() throws InterruptedException {
        CountDownLatch inFirst = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Reloader r = new Reloader(
                "test",
                () -> {
                    if (reloads.incrementAndGet() == 1) {
                        inFirst.countDown();
                        try {
                            release.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                },
                Duration.ofHours(1),
                scheduler);

        r.reloadSoon();
        assertThat(inFirst.await(10, TimeUnit.SECONDS)).isTrue();
        r.reloadSoon(); // arrives while the first reload reads: it must not be lost
        r.reloadSoon(); // and this one shares the queued reload
        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> reloads.get() == 2);
        r.reloadSoon();
        await().atMost(Duration.ofSeconds(10)).until(() -> reloads.get() == 3);
    }
}
