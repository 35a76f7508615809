package io.modelgateway.gateway.runtime;

import org.springframework.context.SmartLifecycle;

/**
 * The one table of the gateway's {@link SmartLifecycle} phases. Spring starts lower phases first and stops them
 * last; the reactive web server starts at {@code SmartLifecycle.DEFAULT_PHASE - 2048} and its graceful shutdown
 * runs at {@code DEFAULT_PHASE - 1024}.
 *
 * <p>Start order, and why:
 * <ol>
 *   <li>{@link #TENANCY_STARTUP}: waits for the Flyway migration (run in the background) and the first tenancy
 *       cache load; every later phase may read the database.</li>
 *   <li>{@link #QUOTA} and {@link #COMPLIANCE}: load the stored limits and policies (independent of each
 *       other).</li>
 *   <li>{@link #DEPLOYMENTS}: loads the deployments defined through the admin API into the registry.</li>
 *   <li>{@link #MODEL_GATE}: reads the stored model load gates of those deployments.</li>
 *   <li>{@link #BILLING}: loads the prices, grants the demo credits, starts the credit checks.</li>
 *   <li>the web server: takes calls only once all of the above hold their state.</li>
 *   <li>{@link #PROBES}: backend probes start after the server and stop first on shutdown.</li>
 * </ol>
 * Stopping runs the same list backwards: the probes stop, the server drains its calls, then the periodic jobs
 * (reloads, credit checks, the audit flush) stop while the database is still there.
 */
public final class LifecyclePhases {

    public static final int TENANCY_STARTUP = Integer.MIN_VALUE / 2;
    public static final int QUOTA = TENANCY_STARTUP + 1;
    public static final int COMPLIANCE = TENANCY_STARTUP + 1;
    public static final int DEPLOYMENTS = TENANCY_STARTUP + 2;
    public static final int MODEL_GATE = TENANCY_STARTUP + 3;
    public static final int BILLING = TENANCY_STARTUP + 10;
    public static final int PROBES = SmartLifecycle.DEFAULT_PHASE;

    private LifecyclePhases() {}
}
