package io.modelgateway.modelserver.internal;

/** A validated request, ready to run. */
@FunctionalInterface
public interface Execution {

    /**
     * Starts the request; responses go to {@code sink}, possibly before this returns. Throws when the request
     * cannot be admitted (e.g. a full queue); nothing was sent then.
     */
    void start(ResponseSink sink) throws InferException;
}
