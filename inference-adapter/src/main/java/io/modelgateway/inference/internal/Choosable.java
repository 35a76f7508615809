package io.modelgateway.inference.internal;

/** What the load balancer needs of a replica. */
public interface Choosable {

    /** The outcome of asking a replica to take a call. */
    enum Admission {
        /** Taken: the breaker and the bulkhead gave a permit; release it when the call ends. */
        ADMITTED,
        /** Its circuit breaker refuses calls. */
        BREAKER_OPEN,
        /** Its bulkhead is full. */
        FULL
    }

    /** Ready for {@code model} and not marked down. */
    boolean routable(String model);

    int outstanding();

    Admission tryAcquire();
}
