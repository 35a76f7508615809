package io.modelgateway.inference;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pool of Triton replicas serving the same models. Immutable; every value is checked here, so a bad
 * configuration fails at startup. Build with {@link #builder(String, List)}.
 *
 * @param name the pool's name, used in logs and breaker names
 * @param endpoints {@code host:port} of each replica; a host name resolving to several addresses is several
 *     replicas (re-resolved every {@link Health#dnsRefresh()})
 * @param models models whose readiness is polled from the start (others are added when first used)
 * @param layout the tensor layout of every model, unless {@code layouts} names one for the model
 * @param layouts per-model tensor layouts
 * @param health readiness polling and DNS refresh
 * @param breaker the circuit breaker of each replica
 * @param timeouts time to the first token and between tokens
 * @param maxConcurrentPerReplica the bulkhead: in-flight calls per replica; beyond it a replica takes none,
 *     and when every ready replica is full the caller gets {@link InferenceException.Kind#OVERLOADED} at once
 * @param maxAttempts replicas tried for one call (1 = no retry); retries happen only before anything was
 *     delivered, and only after UNAVAILABLE-like failures
 */
public record PoolConfig(
        String name,
        List<String> endpoints,
        List<String> models,
        Layout layout,
        Map<String, Layout> layouts,
        Health health,
        Breaker breaker,
        Timeouts timeouts,
        int maxConcurrentPerReplica,
        int maxAttempts) {

    /** The bulkhead's default: in-flight calls per replica. */
    public static final int DEFAULT_MAX_CONCURRENT_PER_REPLICA = 64;

    /** Replicas tried for one call by default. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    public PoolConfig {
        requireText(name, "name");
        endpoints = List.copyOf(endpoints);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("pool '" + name + "' needs at least one endpoint");
        }
        endpoints.forEach(Endpoint::parse);
        models = List.copyOf(models);
        Objects.requireNonNull(layout, "layout");
        layouts = Map.copyOf(layouts);
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(timeouts, "timeouts");
        requireAtLeast(maxConcurrentPerReplica, 1, "maxConcurrentPerReplica");
        requireAtLeast(maxAttempts, 1, "maxAttempts");
    }

    /** A pool with the defaults: AUTO layout, {@link Health#defaults()}, {@link Breaker#defaults()}, ... */
    public static Builder builder(String name, List<String> endpoints) {
        return new Builder(name, endpoints);
    }

    /** The layout configured for {@code model}. */
    public Layout layoutOf(String model) {
        return layouts.getOrDefault(model, layout);
    }

    /**
     * Readiness polling (ServerReady and ModelReady per replica) and DNS re-resolution.
     *
     * @param pollInterval time between two polls of a replica; default 5 s
     * @param pollTimeout deadline of one poll call; default 2 s
     * @param dnsRefresh time between two resolutions of the endpoints' host names; default 30 s
     */
    public record Health(Duration pollInterval, Duration pollTimeout, Duration dnsRefresh) {

        public Health {
            requirePositive(pollInterval, "pollInterval");
            requirePositive(pollTimeout, "pollTimeout");
            requirePositive(dnsRefresh, "dnsRefresh");
        }

        public static Health defaults() {
            return new Health(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(30));
        }
    }

    /**
     * A count-based circuit breaker per replica. Only backend failures count (UNAVAILABLE, TIMEOUT,
     * BACKEND_ERROR); a rejected request or the client's cancel does not.
     *
     * @param windowSize calls in the sliding window; default 20
     * @param failureRatePercent failure rate that opens the breaker, in (0, 100]; default 50
     * @param minimumCalls calls before the rate is computed; default 10
     * @param openDuration how long an open breaker refuses calls before letting trial calls through; default 30 s
     * @param halfOpenCalls trial calls when half-open; default 3
     */
    public record Breaker(
            int windowSize, float failureRatePercent, int minimumCalls, Duration openDuration, int halfOpenCalls) {

        public Breaker {
            requireAtLeast(windowSize, 1, "windowSize");
            if (!(failureRatePercent > 0 && failureRatePercent <= 100)) {
                throw new IllegalArgumentException("failureRatePercent must be in (0, 100], got " + failureRatePercent);
            }
            requireAtLeast(minimumCalls, 1, "minimumCalls");
            requirePositive(openDuration, "openDuration");
            requireAtLeast(halfOpenCalls, 1, "halfOpenCalls");
        }

        public static Breaker defaults() {
            return new Breaker(20, 50, 10, Duration.ofSeconds(30), 3);
        }
    }

    /**
     * Timeouts that fit LLM calls: none caps the length of a stream. A non-streamed answer, whose first token
     * is the whole answer, may take {@code firstToken + maxTokens x betweenTokens}. On expiry the backend call
     * is cancelled and the caller gets TIMEOUT.
     *
     * @param firstToken from sending the request to the first token; default 60 s
     * @param betweenTokens longest silence between two tokens of a stream; default 30 s
     */
    public record Timeouts(Duration firstToken, Duration betweenTokens) {

        public Timeouts {
            requirePositive(firstToken, "firstToken");
            requirePositive(betweenTokens, "betweenTokens");
        }

        public static Timeouts defaults() {
            return new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(30));
        }
    }

    /** {@code host:port}; IPv6 literals in brackets. */
    public record Endpoint(String host, int port) {

        public static Endpoint parse(String endpoint) {
            int colon = endpoint == null ? -1 : endpoint.lastIndexOf(':');
            if (colon <= 0 || colon == endpoint.length() - 1) {
                throw new IllegalArgumentException("endpoint must be host:port, got '" + endpoint + "'");
            }
            String host = endpoint.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(endpoint.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("endpoint port is not a number: '" + endpoint + "'");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("endpoint port out of range: '" + endpoint + "'");
            }
            return new Endpoint(host, port);
        }
    }

    /** Sets the values that differ from the defaults. */
    public static final class Builder {

        private final String name;
        private final List<String> endpoints;
        private List<String> models = List.of();
        private Layout layout = Layout.AUTO;
        private Map<String, Layout> layouts = Map.of();
        private Health health = Health.defaults();
        private Breaker breaker = Breaker.defaults();
        private Timeouts timeouts = Timeouts.defaults();
        private int maxConcurrentPerReplica = DEFAULT_MAX_CONCURRENT_PER_REPLICA;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;

        private Builder(String name, List<String> endpoints) {
            this.name = name;
            this.endpoints = endpoints;
        }

        public Builder models(List<String> value) {
            this.models = value;
            return this;
        }

        public Builder layout(Layout value) {
            this.layout = value;
            return this;
        }

        public Builder layouts(Map<String, Layout> value) {
            this.layouts = value;
            return this;
        }

        public Builder health(Health value) {
            this.health = value;
            return this;
        }

        public Builder breaker(Breaker value) {
            this.breaker = value;
            return this;
        }

        public Builder timeouts(Timeouts value) {
            this.timeouts = value;
            return this;
        }

        public Builder maxConcurrentPerReplica(int value) {
            this.maxConcurrentPerReplica = value;
            return this;
        }

        public Builder maxAttempts(int value) {
            this.maxAttempts = value;
            return this;
        }

        public PoolConfig build() {
            return new PoolConfig(
                    name,
                    endpoints,
                    models,
                    layout,
                    layouts,
                    health,
                    breaker,
                    timeouts,
                    maxConcurrentPerReplica,
                    maxAttempts);
        }
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }

    private static void requireAtLeast(int value, int min, String what) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
        }
    }

    private static void requirePositive(Duration value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
    }
}
