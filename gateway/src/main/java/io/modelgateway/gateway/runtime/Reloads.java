package io.modelgateway.gateway.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import reactor.core.scheduler.Scheduler;

/**
 * Makes the application's {@link Reloader}s, all on the one JDBC scheduler, and shows each one to whoever
 * watches them (the metrics count failed reloads per source), those made before the watching began too.
 */
public final class Reloads {

    private final Scheduler scheduler;
    private final List<Reloader> made = new ArrayList<>();
    private final List<Consumer<Reloader>> watchers = new ArrayList<>();

    public Reloads(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** A reloader of {@code what} (a short name: it is the {@code source} of its failure count). */
    public Reloader reloader(String what, Runnable reload, Duration interval) {
        Reloader r = new Reloader(what, reload, interval, scheduler);
        List<Consumer<Reloader>> now;
        synchronized (this) {
            made.add(r);
            now = List.copyOf(watchers);
        }
        now.forEach(w -> w.accept(r));
        return r;
    }

    /** Shows {@code watcher} every reloader made so far and every one made from now on, each once. */
    public void watch(Consumer<Reloader> watcher) {
        List<Reloader> now;
        synchronized (this) {
            watchers.add(watcher);
            now = List.copyOf(made);
        }
        now.forEach(watcher);
    }
}
