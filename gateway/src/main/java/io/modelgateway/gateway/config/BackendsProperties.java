package io.modelgateway.gateway.config;

import io.modelgateway.inference.PoolConfig;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Named backends ({@code gateway.backends.<name>}) that deployments point at with {@code backend: <name>}:
 * a pool of Triton replicas, or an OpenAI-compatible HTTP upstream. Immutable and validated at startup; the
 * pool values are checked once more by the adapter's {@code PoolConfig}, whose defaults are the only ones: a
 * pool setting left out takes the adapter's default ({@link PoolConfig#builder}).
 *
 * @param backends backend name to its settings
 */
@Validated
@ConfigurationProperties("gateway")
public record BackendsProperties(@DefaultValue Map<String, @Valid BackendProperties> backends) {

    /** How the gateway talks to a backend. */
    public enum BackendKind {
        /** Triton replicas over gRPC (KServe v2), pooled, health-checked and load-balanced. */
        TRITON,
        /** An OpenAI-compatible HTTP server (vLLM's server, Triton's OpenAI frontend, a provider). */
        OPENAI_HTTP
    }

    /**
     * One backend. A pool setting left out (null) takes the adapter's default ({@link PoolConfig#builder}).
     *
     * @param kind {@code triton} (default) or {@code openai-http}
     * @param endpoints Triton replicas as {@code host:port}; a host name resolving to several addresses is
     *        several replicas ({@code embedded} stands for the in-process model server)
     * @param baseUrl the upstream's OpenAI base URL, e.g. {@code http://vllm:8000/v1} (openai-http only)
     * @param apiKey the key sent upstream as {@code Authorization: Bearer} (openai-http only; blank = none).
     *        The caller's own key is never forwarded.
     * @param maxConcurrentPerReplica bulkhead: calls in flight per replica; when every ready replica is full
     *        the caller gets a 429 with {@code retry-after} at once
     * @param maxAttempts replicas tried for one call before anything was sent to the client
     * @param firstTokenTimeout time to the first token (openai-http: to the response headers)
     * @param betweenTokensTimeout longest silence between two tokens of a stream; never a cap on its length
     * @param pollInterval readiness polling (ServerReady, ModelReady) of each replica
     * @param pollTimeout deadline of one poll
     * @param dnsRefresh how often host names are resolved again
     * @param breaker the circuit breaker of each replica
     */
    public record BackendProperties(
            @DefaultValue("TRITON") @NotNull BackendKind kind,
            @DefaultValue List<String> endpoints,
            URI baseUrl,
            @DefaultValue("") String apiKey,
            @Min(1) Integer maxConcurrentPerReplica,
            @Min(1) Integer maxAttempts,
            Duration firstTokenTimeout,
            Duration betweenTokensTimeout,
            Duration pollInterval,
            Duration pollTimeout,
            Duration dnsRefresh,
            @DefaultValue @Valid BreakerProperties breaker) {

        public BackendProperties {
            PoolConfig.Timeouts timeouts = PoolConfig.Timeouts.defaults();
            PoolConfig.Health health = PoolConfig.Health.defaults();
            maxConcurrentPerReplica = or(maxConcurrentPerReplica, PoolConfig.DEFAULT_MAX_CONCURRENT_PER_REPLICA);
            maxAttempts = or(maxAttempts, PoolConfig.DEFAULT_MAX_ATTEMPTS);
            firstTokenTimeout = or(firstTokenTimeout, timeouts.firstToken());
            betweenTokensTimeout = or(betweenTokensTimeout, timeouts.betweenTokens());
            pollInterval = or(pollInterval, health.pollInterval());
            pollTimeout = or(pollTimeout, health.pollTimeout());
            dnsRefresh = or(dnsRefresh, health.dnsRefresh());
            breaker = or(breaker, BreakerProperties.defaults());
        }

        /** The settings of a backend given only as endpoints in a deployment's {@code backend}. */
        public static BackendProperties ofEndpoints(List<String> endpoints) {
            return new BackendProperties(
                    BackendKind.TRITON, endpoints, null, "", null, null, null, null, null, null, null, null);
        }
    }

    /**
     * A count-based circuit breaker per replica; only backend failures count. A value left out (null) takes the
     * adapter's default ({@link PoolConfig.Breaker#defaults()}).
     *
     * @param windowSize calls in the sliding window
     * @param failureRatePercent failure rate that opens it
     * @param minimumCalls calls before the rate counts
     * @param openDuration how long it refuses calls before trial calls
     * @param halfOpenCalls trial calls when half-open
     */
    public record BreakerProperties(
            @Min(1) Integer windowSize,

            @DecimalMin(value = "0", inclusive = false) @DecimalMax("100")
            Float failureRatePercent,

            @Min(1) Integer minimumCalls,
            Duration openDuration,
            @Min(1) Integer halfOpenCalls) {

        public BreakerProperties {
            PoolConfig.Breaker d = PoolConfig.Breaker.defaults();
            windowSize = or(windowSize, d.windowSize());
            failureRatePercent = or(failureRatePercent, d.failureRatePercent());
            minimumCalls = or(minimumCalls, d.minimumCalls());
            openDuration = or(openDuration, d.openDuration());
            halfOpenCalls = or(halfOpenCalls, d.halfOpenCalls());
        }

        public static BreakerProperties defaults() {
            return new BreakerProperties(null, null, null, null, null);
        }
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
