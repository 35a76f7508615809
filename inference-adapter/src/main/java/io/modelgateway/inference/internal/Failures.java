package io.modelgateway.inference.internal;

import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.InferenceException.Kind;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How a pool reads a failed call: does it count against the replica, may it be retried, is the replica down. */
public final class Failures {

    private Failures() {}

    /** Backend failures open breakers; a rejected request (the client's fault) or a client cancel do not. */
    public static boolean countsAgainstReplica(InferenceException e) {
        return e.kind() == Kind.UNAVAILABLE || e.kind() == Kind.TIMEOUT || e.kind() == Kind.BACKEND_ERROR;
    }

    /** Worth trying on another replica, if nothing was delivered yet: the request never ran to any effect. */
    public static boolean retryable(InferenceException e) {
        return e.kind() == Kind.UNAVAILABLE || e.kind() == Kind.OVERLOADED;
    }

    /**
     * A passive health signal: the replica cannot be reached or says it is not ready or shutting down. A full
     * queue is UNAVAILABLE too, but says nothing about health (the breaker deals with it).
     */
    public static boolean marksDown(InferenceException e) {
        return e.kind() == Kind.UNAVAILABLE && !lower(e).contains("queue") && !connectionGoneAway(e);
    }

    /**
     * The call's connection was closed after the server's GOAWAY (a server restarting or ending old
     * connections, a proxy's connection age): the server answered, so it is up, and a new connection to it is
     * worth one more try when no other replica is left.
     */
    public static boolean connectionGoneAway(InferenceException e) {
        return e.kind() == Kind.UNAVAILABLE && lower(e).contains("goaway");
    }

    /**
     * A CANCELLED the pool's caller did not ask for came from the backend (shutting down, connection reset):
     * to the caller that is an unavailable backend, not their own cancel.
     */
    public static InferenceException fromBackend(InferenceException e) {
        if (e.kind() != Kind.CANCELLED) {
            return e;
        }
        return InferenceException.of(
                Kind.UNAVAILABLE, e.requestId(), "backend cancelled the call: " + e.getMessage(), e);
    }

    /** The InferenceException inside a future's failure, or a BACKEND_ERROR wrapping anything else. */
    public static InferenceException unwrap(Throwable t, String requestId) {
        Throwable cause = t;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof InferenceException ie) {
            return ie;
        }
        return InferenceException.of(Kind.BACKEND_ERROR, requestId, String.valueOf(cause), cause);
    }

    private static String lower(InferenceException e) {
        return e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    }
}
