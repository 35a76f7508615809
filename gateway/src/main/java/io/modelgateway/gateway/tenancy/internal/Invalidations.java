package io.modelgateway.gateway.tenancy.internal;

/**
 * Tells the other replicas that tenants or keys changed, and hears when they did. Messages carry no
 * data: a receiver reloads from the database, the source of truth.
 */
interface Invalidations extends AutoCloseable {

    void publish();

    void subscribe(Runnable onInvalidate);

    @Override
    void close();

    /** One replica (the embedded default): nobody to tell. */
    static Invalidations none() {
        return new Invalidations() {
            @Override
            public void publish() {}

            @Override
            public void subscribe(Runnable onInvalidate) {}

            @Override
            public void close() {}
        };
    }
}
