package io.modelgateway.bench;

/** One kind of request against one path (direct gRPC or gateway HTTP). Implementations never block. */
interface Target {

    /** Short name for the output ("direct", "gateway"). */
    String name();

    /** Starts one request; exactly one method of {@code callback} is called later, on any thread. */
    void send(Callback callback);

    /** The outcome of one request. */
    interface Callback {

        /**
         * Success.
         *
         * @param firstTokenNanos nanoTime of the first content (stream) or of the end (non-streaming)
         * @param endNanos nanoTime when the response was complete
         */
        void done(long firstTokenNanos, long endNanos);

        /** Failure of any kind: {@code kind} groups failures in the report, {@code detail} is a sample. */
        void failed(String kind, String detail);
    }
}
