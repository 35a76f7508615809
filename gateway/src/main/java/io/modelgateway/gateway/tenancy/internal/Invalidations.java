package io.modelgateway.gateway.tenancy.internal;

import io.modelgateway.gateway.tenancy.ReplicaSignals;

/**
 * Tells the other replicas that tenants or keys (topic {@link #TENANCY}) or something else stored (other
 * topics, through {@link ReplicaSignals}) changed, and hears when they did. Messages carry no data: a
 * receiver reloads from the database, the source of truth.
 */
interface Invalidations extends ReplicaSignals, AutoCloseable {

    /** Tenants and keys. */
    String TENANCY = "";

    default void publish() {
        publish(TENANCY);
    }

    default void subscribe(Runnable onInvalidate) {
        subscribe(TENANCY, onInvalidate);
    }

    @Override
    void close();

    /** One replica (the embedded default): nobody to tell. */
    static Invalidations none() {
        return new Invalidations() {
            @Override
            public void publish(String topic) {}

            @Override
            public void subscribe(String topic, Runnable onInvalidate) {}

            @Override
            public void close() {}
        };
    }
}
