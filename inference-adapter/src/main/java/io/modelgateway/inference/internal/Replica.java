package io.modelgateway.inference.internal;

import inference.GRPCInferenceServiceGrpc;
import inference.GRPCInferenceServiceGrpc.GRPCInferenceServiceStub;
import inference.ModelReadyRequest;
import inference.ModelReadyResponse;
import inference.ServerReadyRequest;
import inference.ServerReadyResponse;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.ReplicaStatus;
import io.modelgateway.inference.TritonClient;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Triton replica of a pool: its channels and clients (one per event loop of the pool, see {@link Lane}),
 * its circuit breaker and bulkhead, its calls in flight and what is known of its readiness. Taken as ready until
 * a poll or a failed call says otherwise. Breaker, bulkhead, readiness and load are the replica's, whichever of
 * its channels a call takes.
 */
public final class Replica implements Choosable, AutoCloseable {

    /**
     * One channel to the replica and its client. With event loops given to the pool, the channel runs on
     * {@code loop} alone (its connection is read and written there, its callbacks run there); without them
     * {@code loop} is null and the channel runs on gRPC's own loops.
     */
    public record Lane(EventLoop loop, ManagedChannel channel, TritonClient client) {}

    private static final Logger log = LoggerFactory.getLogger(Replica.class);

    private final String endpoint;
    private final String target;
    private final Lane[] lanes;
    private final AtomicInteger turn = new AtomicInteger();
    private final GRPCInferenceServiceStub probes;
    private final CircuitBreaker breaker;
    private final Bulkhead bulkhead;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Map<String, Boolean> models = new ConcurrentHashMap<>();
    private volatile boolean serverReady = true;
    private volatile boolean down;

    public Replica(String endpoint, String target, List<Lane> lanes, CircuitBreaker breaker, Bulkhead bulkhead) {
        if (lanes.isEmpty()) {
            throw new IllegalArgumentException("a replica needs a channel");
        }
        this.endpoint = endpoint;
        this.target = target;
        this.lanes = lanes.toArray(Lane[]::new);
        this.probes = GRPCInferenceServiceGrpc.newStub(this.lanes[0].channel());
        this.breaker = breaker;
        this.bulkhead = bulkhead;
        breaker.getEventPublisher()
                .onStateTransition(e -> log.warn(
                        "replica {} of {}: circuit breaker {}",
                        target,
                        endpoint,
                        e.getStateTransition().getToState()));
    }

    public String endpoint() {
        return endpoint;
    }

    public String target() {
        return target;
    }

    /**
     * The client for a call started on this thread: on one of the pool's event loops, the channel bound to that
     * loop (the call is written, read and answered on this thread); elsewhere, the channels in turn.
     */
    public TritonClient client() {
        Lane[] all = lanes;
        if (all.length == 1) {
            return all[0].client();
        }
        for (Lane lane : all) {
            if (lane.loop().inEventLoop()) {
                return lane.client();
            }
        }
        return all[Math.floorMod(turn.getAndIncrement(), all.length)].client();
    }

    /** The replica's channels, one per event loop (one in all without loops). */
    public List<Lane> lanes() {
        return List.of(lanes);
    }

    /** Asks every channel to connect now, so that no call waits for its loop's connection. */
    void connect() {
        for (Lane lane : lanes) {
            lane.channel().getState(true);
        }
    }

    /** Known model readiness wins; a model not polled yet follows the server's readiness. */
    @Override
    public boolean routable(String model) {
        return !down && models.getOrDefault(model, serverReady);
    }

    @Override
    public int outstanding() {
        return outstanding.get();
    }

    @Override
    public Admission tryAcquire() {
        if (!breaker.tryAcquirePermission()) {
            return Admission.BREAKER_OPEN;
        }
        if (!bulkhead.tryAcquirePermission()) {
            breaker.releasePermission();
            return Admission.FULL;
        }
        outstanding.incrementAndGet();
        return Admission.ADMITTED;
    }

    /** Releases an admitted call that succeeded, or failed in a way that says nothing about this replica. */
    public void succeeded(long nanos) {
        release();
        breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Releases an admitted call that failed; backend failures count against the breaker, some mark the replica
     * down. Returns true when this failure marked it down (worth polling it at once).
     */
    public boolean failed(long nanos, InferenceException error) {
        release();
        if (Failures.countsAgainstReplica(error)) {
            breaker.onError(nanos, TimeUnit.NANOSECONDS, error);
        } else {
            breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        }
        if (Failures.marksDown(error) && !down) {
            down = true;
            log.warn(
                    "replica {} of {} taken out of rotation after a failed call: {}",
                    target,
                    endpoint,
                    error.getMessage());
            return true;
        }
        return false;
    }

    /** Releases an admitted call the caller cancelled: no outcome to record. */
    public void abandoned() {
        release();
        breaker.releasePermission();
    }

    private void release() {
        outstanding.decrementAndGet();
        bulkhead.onComplete();
    }

    /** Polls ServerReady; an answer clears a passive down mark, no answer sets it. */
    public CompletableFuture<Boolean> pollServer(Duration timeout) {
        CompletableFuture<ServerReadyResponse> f = new CompletableFuture<>();
        withDeadline(timeout).serverReady(ServerReadyRequest.getDefaultInstance(), observer(f));
        return f.handle((r, e) -> {
            boolean ready = e == null && r.getReady();
            if (ready != (serverReady && !down)) {
                logReadiness("server", ready, e);
            }
            serverReady = ready;
            down = e != null;
            return serverReady;
        });
    }

    /** Polls ModelReady; an error (unknown model, not ready, unreachable) counts as not ready. */
    public CompletableFuture<Boolean> pollModel(String model, Duration timeout) {
        CompletableFuture<ModelReadyResponse> f = new CompletableFuture<>();
        withDeadline(timeout)
                .modelReady(ModelReadyRequest.newBuilder().setName(model).build(), observer(f));
        return f.handle((r, e) -> {
            boolean ready = e == null && r.getReady();
            Boolean before = models.put(model, ready);
            if (before == null ? !ready : before != ready) {
                logReadiness("model '" + model + "'", ready, e);
            }
            return ready;
        });
    }

    /** A readiness change, as ops want it in the log: which replica, what, and why when it is an error. */
    private void logReadiness(String what, boolean ready, Throwable error) {
        if (ready) {
            log.info("replica {} of {}: {} ready", target, endpoint, what);
        } else {
            log.warn(
                    "replica {} of {}: {} not ready{}",
                    target,
                    endpoint,
                    what,
                    error == null ? "" : " (" + error.getMessage() + ")");
        }
    }

    /** The last polled readiness of {@code model}, or null when never polled. */
    public Boolean modelReady(String model) {
        return models.get(model);
    }

    public ReplicaStatus status() {
        return new ReplicaStatus(endpoint, target, serverReady && !down, outstanding.get(), breakerState(), models);
    }

    private ReplicaStatus.BreakerState breakerState() {
        return switch (breaker.getState()) {
            case OPEN, FORCED_OPEN -> ReplicaStatus.BreakerState.OPEN;
            case HALF_OPEN -> ReplicaStatus.BreakerState.HALF_OPEN;
            default -> ReplicaStatus.BreakerState.CLOSED;
        };
    }

    private GRPCInferenceServiceStub withDeadline(Duration timeout) {
        return probes.withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static <T> StreamObserver<T> observer(CompletableFuture<T> f) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                f.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                f.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                f.completeExceptionally(new IllegalStateException("no response"));
            }
        };
    }

    /** Lets calls in flight finish, takes no new ones. */
    @Override
    public void close() {
        for (Lane lane : lanes) {
            lane.channel().shutdown();
        }
    }

    /** Waits up to {@code nanos} for every channel to terminate; false when one did not. */
    public boolean awaitClosed(long nanos) {
        long deadline = System.nanoTime() + nanos;
        try {
            for (Lane lane : lanes) {
                if (!lane.channel().awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Cuts calls in flight. */
    public void closeNow() {
        for (Lane lane : lanes) {
            lane.channel().shutdownNow();
        }
    }

    @Override
    public String toString() {
        return target;
    }
}
