package io.modelgateway.modelserver.internal;

/** Triton's model states as RepositoryIndex reports them, with the reason of a failure. */
public record ModelState(State state, String reason) {

    public enum State {
        READY,
        LOADING,
        UNAVAILABLE
    }

    public static final ModelState READY = new ModelState(State.READY, "");
    public static final ModelState LOADING = new ModelState(State.LOADING, "");

    public static ModelState unavailable(String reason) {
        return new ModelState(State.UNAVAILABLE, reason);
    }

    public boolean isReady() {
        return state == State.READY;
    }
}
