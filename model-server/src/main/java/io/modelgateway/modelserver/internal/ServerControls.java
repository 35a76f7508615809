package io.modelgateway.modelserver.internal;

import io.grpc.Status;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Test-facing switches of a server: report not ready while still serving (a draining Triton), and fail the
 * next n inference requests with a given code, or fail the next n streamed requests mid-stream.
 */
public final class ServerControls {

    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger midStreamFailures = new AtomicInteger();
    private volatile int failAfterResponses;
    private volatile Status.Code failureCode = Status.Code.UNAVAILABLE;
    private volatile boolean ready = true;
    private volatile Duration loadDelay = Duration.ZERO;
    private final AtomicReference<String> loadFailure = new AtomicReference<>();

    /** How long a RepositoryModelLoad takes. */
    public Duration loadDelay() {
        return loadDelay;
    }

    public void loadDelay(Duration value) {
        loadDelay = Objects.requireNonNull(value, "value");
    }

    /** The next RepositoryModelLoad fails with this reason. */
    public void failNextLoad(String reason) {
        loadFailure.set(Objects.requireNonNull(reason, "reason"));
    }

    String takeLoadFailure() {
        return loadFailure.getAndSet(null);
    }

    public boolean ready() {
        return ready;
    }

    public void ready(boolean value) {
        ready = value;
    }

    public void failNext(int count, Status.Code code) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative");
        }
        failureCode = Objects.requireNonNull(code, "code");
        failures.set(count);
    }

    public void failMidStream(int count, int afterResponses) {
        if (count < 0 || afterResponses < 0) {
            throw new IllegalArgumentException("count and afterResponses must not be negative");
        }
        failAfterResponses = afterResponses;
        midStreamFailures.set(count);
    }

    /** The sink a streamed request writes to: {@code sink}, or one that fails mid-stream when a failure is due. */
    ResponseSink midStreamFailure(ResponseSink sink) {
        if (midStreamFailures.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            return new FailingMidStream(sink, failAfterResponses);
        }
        return sink;
    }

    /** Throws the injected failure when one is due. */
    void checkInjectedFailure() throws InferException {
        if (failures.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            Status.Code code = failureCode;
            throw InferException.of(
                    code,
                    "injected failure: " + code.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
    }
}
