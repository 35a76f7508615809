package io.modelgateway.modelserver.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The life of one request: active until it either finishes (its last response is about to be sent) or is
 * cancelled, whichever comes first. The cancel action (stopping a timer, dropping a queued task) runs once.
 */
final class Cancellation {

    private static final int ACTIVE = 0;
    private static final int DONE = 1;
    private static final int CANCELLED = 2;

    private final AtomicInteger state = new AtomicInteger(ACTIVE);
    private Runnable action; // guarded by this

    void onCancel(Runnable cancelAction) {
        synchronized (this) {
            if (state.get() != CANCELLED) {
                action = state.get() == ACTIVE ? cancelAction : null;
                return;
            }
        }
        cancelAction.run();
    }

    /** Returns true when this call cancelled an active request. */
    boolean cancel() {
        if (!state.compareAndSet(ACTIVE, CANCELLED)) {
            return false;
        }
        Runnable toRun;
        synchronized (this) {
            toRun = action;
            action = null;
        }
        if (toRun != null) {
            toRun.run();
        }
        return true;
    }

    /** Returns true when the request was still active and is now done. */
    boolean finish() {
        if (!state.compareAndSet(ACTIVE, DONE)) {
            return false;
        }
        synchronized (this) {
            action = null;
        }
        return true;
    }

    boolean isCancelled() {
        return state.get() == CANCELLED;
    }
}
