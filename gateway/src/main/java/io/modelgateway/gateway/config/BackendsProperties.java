package io.modelgateway.gateway.config;

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
 * pool values are checked once more by the adapter's {@code PoolConfig}.
 *
 * @param backends backend name to its settings
 */
@Validated
@ConfigurationProperties("gateway")
public record BackendsProperties(@DefaultValue Map<String, @Valid BackendProperties> backends) {

    /** The tensor layout a deployment's Triton model speaks ({@code gateway.deployments.<name>.layout}). */
    public enum ModelLayout {
        /** Read from the model's ModelConfig (else ModelMetadata) at startup and when it becomes ready again. */
        AUTO,
        /** Triton's vLLM backend. */
        VLLM,
        /** TensorRT-LLM's {@code ensemble} model. */
        ENSEMBLE
    }

    /** How the gateway talks to a backend. */
    public enum BackendKind {
        /** Triton replicas over gRPC (KServe v2), pooled, health-checked and load-balanced. */
        TRITON,
        /** An OpenAI-compatible HTTP server (vLLM's server, Triton's OpenAI frontend, a provider). */
        OPENAI_HTTP
    }

    /**
     * One backend.
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
            @DefaultValue("64") @Min(1) int maxConcurrentPerReplica,
            @DefaultValue("3") @Min(1) int maxAttempts,
            @DefaultValue("60s") @NotNull Duration firstTokenTimeout,
            @DefaultValue("30s") @NotNull Duration betweenTokensTimeout,
            @DefaultValue("5s") @NotNull Duration pollInterval,
            @DefaultValue("2s") @NotNull Duration pollTimeout,
            @DefaultValue("30s") @NotNull Duration dnsRefresh,
            @DefaultValue @Valid BreakerProperties breaker) {

        /** The settings of a backend given only as endpoints in a deployment's {@code backend}. */
        public static BackendProperties ofEndpoints(List<String> endpoints) {
            return new BackendProperties(
                    BackendKind.TRITON,
                    endpoints,
                    null,
                    "",
                    64,
                    3,
                    Duration.ofSeconds(60),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(30),
                    BreakerProperties.defaults());
        }
    }

    /**
     * A count-based circuit breaker per replica; only backend failures count.
     *
     * @param windowSize calls in the sliding window
     * @param failureRatePercent failure rate that opens it
     * @param minimumCalls calls before the rate counts
     * @param openDuration how long it refuses calls before trial calls
     * @param halfOpenCalls trial calls when half-open
     */
    public record BreakerProperties(
            @DefaultValue("20") @Min(1) int windowSize,

            @DefaultValue("50") @DecimalMin(value = "0", inclusive = false) @DecimalMax("100")
            float failureRatePercent,

            @DefaultValue("10") @Min(1) int minimumCalls,
            @DefaultValue("30s") @NotNull Duration openDuration,
            @DefaultValue("3") @Min(1) int halfOpenCalls) {

        public static BreakerProperties defaults() {
            return new BreakerProperties(20, 50, 10, Duration.ofSeconds(30), 3);
        }
    }
}
