package io.modelgateway.modelserver.internal;

import io.grpc.Status;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-facing switches of a server: report not ready while still serving (a draining Triton), and fail the
 * next n inference requests with a given code.
 */
public final class ServerControls {

    private final AtomicInteger failures = new AtomicInteger();
    private volatile Status.Code failureCode = Status.Code.UNAVAILABLE;
    private volatile boolean ready = true;

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

    /** Throws the injected failure when one is due. */
    void checkInjectedFailure() throws InferException {
        if (failures.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            Status.Code code = failureCode;
            throw InferException.of(code, "injected failure: " + code.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
    }
}
