package io.modelgateway.modelserver.internal;

import io.grpc.Status;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The model repository: name and version lookups with Triton's status codes, and, in explicit model-control
 * mode ({@code --model-control-mode=explicit}), loading and unloading with Triton's semantics: every model
 * starts unloaded (RepositoryIndex lists it by name only); a load answers once the model is READY, or fails
 * INTERNAL with the reason (which RepositoryIndex then shows, state UNAVAILABLE); loading a loaded model is a
 * no-op; an unloaded model is UNAVAILABLE "unloaded" in the index and NOT_FOUND to calls; a name not in the
 * repository fails INTERNAL "failed to poll from model repository". Without explicit mode every model is
 * loaded and load/unload are refused (UNAVAILABLE), as Triton refuses them when polling or in mode none.
 */
public final class ModelRegistry {

    private enum Phase {
        NEVER,
        LOADING,
        LOADED,
        UNLOADED,
        FAILED
    }

    private static final class Slot {
        final Model model;
        volatile Phase phase;
        volatile String reason = "";

        Slot(Model model, Phase phase) {
            this.model = model;
            this.phase = phase;
        }
    }

    /** A repository entry: the model, and its state ({@code empty} for a model never loaded). */
    public record Entry(Model model, Optional<ModelState> state) {}

    private final Map<String, Slot> models = new LinkedHashMap<>();
    private final boolean explicit;
    private final ScheduledExecutorService timer;

    public ModelRegistry(List<Model> models) {
        this(models, false, null);
    }

    public ModelRegistry(List<Model> models, boolean explicit, ScheduledExecutorService timer) {
        this.explicit = explicit;
        this.timer = timer;
        models.forEach(m -> this.models.put(m.name(), new Slot(m, explicit ? Phase.NEVER : Phase.LOADED)));
    }

    public Collection<Model> all() {
        return models.values().stream().map(s -> s.model).toList();
    }

    /** Every model with its state, for RepositoryIndex. */
    public List<Entry> index() {
        return models.values().stream().map(s -> new Entry(s.model, state(s))).toList();
    }

    private static Optional<ModelState> state(Slot s) {
        return switch (s.phase) {
            case NEVER -> Optional.empty();
            case LOADING -> Optional.of(ModelState.LOADING);
            case LOADED -> Optional.of(s.model.state());
            case UNLOADED -> Optional.of(ModelState.unavailable("unloaded"));
            case FAILED -> Optional.of(ModelState.unavailable(s.reason));
        };
    }

    /** Strict readiness: every model loaded or loading is READY. */
    public boolean allReady() {
        return models.values().stream()
                .filter(s -> s.phase == Phase.LOADED || s.phase == Phase.LOADING)
                .allMatch(s -> state(s).map(ModelState::isReady).orElse(false));
    }

    /** The model of that name and version ("" = latest), loaded; whatever its readiness. */
    public Model find(String name, String version) throws InferException {
        Slot slot = models.get(name);
        if (slot == null) {
            throw InferException.of(Status.Code.NOT_FOUND, "Request for unknown model: '" + name + "' is not found");
        }
        if (slot.phase != Phase.LOADED && slot.phase != Phase.LOADING) {
            throw InferException.of(
                    Status.Code.NOT_FOUND, "Request for unknown model: '" + name + "' has no available versions");
        }
        if (!version.isEmpty() && parseVersion(version) != 1) {
            throw InferException.of(
                    Status.Code.NOT_FOUND,
                    "Request for unknown model: '" + name + "' version " + version + " is not found");
        }
        return slot.model;
    }

    /** Like {@link #find} but the model must be READY. */
    public Model ready(String name, String version) throws InferException {
        Model model = find(name, version);
        if (!state(models.get(name)).map(ModelState::isReady).orElse(false)) {
            throw InferException.of(
                    Status.Code.UNAVAILABLE,
                    "Request for model '" + name + "' version " + Model.VERSION + " is not at ready state");
        }
        return model;
    }

    /**
     * Loads {@code name}, taking {@code delay}; completes when it is READY, or fails (INTERNAL) with {@code
     * failure} as the reason when that is given.
     */
    public CompletableFuture<Void> load(String name, Duration delay, String failure) {
        Slot slot;
        try {
            slot = controlled(name, "load");
        } catch (InferException e) {
            return CompletableFuture.failedFuture(e);
        }
        synchronized (slot) {
            if (slot.phase == Phase.LOADED) {
                return CompletableFuture.completedFuture(null);
            }
            slot.phase = Phase.LOADING;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        timer.schedule(
                () -> {
                    synchronized (slot) {
                        if (failure != null) {
                            slot.phase = Phase.FAILED;
                            slot.reason = failure;
                            done.completeExceptionally(InferException.of(
                                    Status.Code.INTERNAL,
                                    "load failed for model '" + name + "': version " + Model.VERSION
                                            + " is at UNAVAILABLE state: " + failure + ";"));
                        } else {
                            slot.phase = Phase.LOADED;
                            slot.reason = "";
                            done.complete(null);
                        }
                    }
                },
                delay.toNanos(),
                TimeUnit.NANOSECONDS);
        return done;
    }

    /** Unloads {@code name}: calls get NOT_FOUND from now on. Unloading an unloaded model is a no-op. */
    public void unload(String name) throws InferException {
        Slot slot = controlled(name, "unload");
        synchronized (slot) {
            if (slot.phase != Phase.NEVER) {
                slot.phase = Phase.UNLOADED;
                slot.reason = "";
            }
        }
    }

    private Slot controlled(String name, String action) throws InferException {
        if (!explicit) {
            throw InferException.of(
                    Status.Code.UNAVAILABLE, "explicit model load / unload is not allowed if polling is enabled");
        }
        Slot slot = models.get(name);
        if (slot == null) {
            throw InferException.of(
                    Status.Code.INTERNAL,
                    "failed to " + action + " '" + name + "', failed to poll from model repository");
        }
        return slot;
    }

    private static long parseVersion(String version) throws InferException {
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException e) {
            throw InferException.invalid("failed to get model version from specified version string '" + version + "'");
        }
    }
}
