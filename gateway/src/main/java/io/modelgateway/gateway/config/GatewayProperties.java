package io.modelgateway.gateway.config;

import io.modelgateway.gateway.quota.QuotaLimits;
import io.modelgateway.inference.Layout;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's configuration ({@code gateway.*}), immutable and validated at startup: a broken
 * deployment or key stops the application instead of failing requests later.
 *
 * @param maxRequestBody largest accepted request body; larger ones get a 413
 * @param deployments public deployment name to backend model
 * @param adminApiKey the first platform admin key ({@code GATEWAY_ADMIN_API_KEY}), held in memory only; blank
 *        = none (then an admin-scoped JWT is the way in). Tenants and their keys live in the database.
 * @param apiKeys keys from configuration, for local setups and benchmarks: held in memory only (never stored),
 *        with the tenant scopes; a tenant they name that does not exist yet is created, allowed on all
 *        deployments. Issued keys (admin API) are the normal way.
 * @param demoApiKey the demo tenant's key ({@code GATEWAY_DEMO_API_KEY}); generated and printed when blank
 * @param embeddedModelServer the in-process model server of the embedded default
 */
@Validated
@ConfigurationProperties("gateway")
public record GatewayProperties(
        @DefaultValue("4MB") @NotNull DataSize maxRequestBody,
        @DefaultValue Map<String, @Valid DeploymentProperties> deployments,
        @DefaultValue("") String adminApiKey,
        @DefaultValue List<@Valid ApiKeyProperties> apiKeys,
        @DefaultValue("") String demoApiKey,
        @DefaultValue @Valid EmbeddedModelServerProperties embeddedModelServer) {

    /** What a deployment serves. */
    public enum Kind {
        CHAT,
        EMBEDDINGS
    }

    /**
     * One deployment: a public name customers use as {@code model} (or in Azure's path).
     *
     * @param kind chat/completions or embeddings
     * @param backend a backend named in {@code gateway.backends}, Triton endpoints {@code host:port[,host:port]}
     *        (a pool with default settings), or {@code embedded} for the in-process model server
     * @param model the model's name on the backend
     * @param chatTemplate Jinja chat template source, or {@code chatml} / {@code plain}
     * @param tokenEncoding tiktoken encoding used to estimate tokens when the backend does not count them
     * @param defaultMaxTokens max_tokens when the request gives none
     * @param maxTokensLimit the largest max_tokens a request may ask for
     * @param firstTokenTimeout longest wait for the first token (then 504 before any byte was sent)
     * @param idleTimeout longest gap between two tokens of a stream
     * @param requestTimeout longest wait for a whole non-streamed answer or embedding batch
     * @param rpm default requests-per-minute limit of each tenant on this deployment (absent = no limit)
     * @param tpm default tokens-per-minute limit of each tenant on this deployment (absent = no limit)
     * @param layout the Triton model's tensors: {@code vllm}, {@code ensemble} (TensorRT-LLM) or {@code auto}
     *        (read from its ModelConfig/ModelMetadata at startup and when it becomes ready again)
     * @param region where the deployment's backend serves traffic (e.g. {@code eu}); tenants bound to
     *        regions (compliance policy) never use a deployment outside them, nor one without a region
     * @param catalog what the model catalog ({@code /v1/models}, {@code /v1/catalog}) says about it, and its
     *        lifecycle ({@code gateway.deployments.<name>.catalog.*})
     */
    public record DeploymentProperties(
            @DefaultValue("CHAT") @NotNull Kind kind,

            @DefaultValue("embedded") @NotBlank @Size(max = 2000)
            String backend,

            @NotBlank @Size(max = 200) String model,
            @DefaultValue("chatml") @NotBlank String chatTemplate,

            @DefaultValue("cl100k_base") @NotBlank @Size(max = 64)
            String tokenEncoding,

            @DefaultValue("256") @Positive int defaultMaxTokens,
            @DefaultValue("4096") @Positive int maxTokensLimit,
            @DefaultValue("60s") @NotNull Duration firstTokenTimeout,
            @DefaultValue("60s") @NotNull Duration idleTimeout,
            @DefaultValue("10m") @NotNull Duration requestTimeout,
            @Positive @Max(QuotaLimits.MAX) Long rpm,
            @Positive @Max(QuotaLimits.MAX) Long tpm,
            @DefaultValue("auto") @NotNull Layout layout,
            @Size(max = 64) String region,
            @DefaultValue @Valid CatalogProperties catalog) {

        public DeploymentProperties {
            catalog = catalog == null ? CatalogProperties.NONE : catalog;
        }
    }

    /**
     * A configured API key.
     *
     * @param name a label for logs and the key list (never the key)
     * @param tenant the tenant the key belongs to
     * @param sha256 hex SHA-256 of the key (preferred), or
     * @param key the key itself (only for local setups)
     */
    public record ApiKeyProperties(
            @NotBlank String name, @NotBlank String tenant, String sha256, String key) {}

    /**
     * @param enabled start the model server in-process and serve {@code backend: embedded} from it
     * @param port its gRPC port on 127.0.0.1 (0 = any free port)
     * @param timeToFirstToken the echo model's delay before the first token
     * @param tokensPerSecond the echo model's speed (0 = no delay)
     * @param embeddings load the all-MiniLM-L6-v2 embedding model
     */
    public record EmbeddedModelServerProperties(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("0") int port,
            @DefaultValue("0ms") Duration timeToFirstToken,
            @DefaultValue("0") double tokensPerSecond,
            @DefaultValue("true") boolean embeddings) {}
}
