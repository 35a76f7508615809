package io.modelgateway.gateway.credits;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Compute credits and usage recording ({@code gateway.billing.*}).
 *
 * @param creditsRequired whether a tenant without a credit account is refused ({@code true}) or served
 *        without holds, its usage still recorded ({@code false}, the embedded default)
 * @param currency the currency of accounts and prices (ISO 4217, lower case)
 * @param redisUrl Redis holding the per-tenant credit buckets across replicas; blank = in memory (one replica)
 * @param redisKeyPrefix prefix of the bucket keys in Redis
 * @param spoolDir where usage batches wait durably until they are stored
 * @param queueCapacity usage records that may wait in memory; a call that finds it full gets a 503
 * @param batchSize most usage records per database transaction
 * @param flushInterval longest a spooled usage record waits for its database batch
 * @param commitWindow longest the spool waits for more records before forcing a group to disk; an answer's
 *        last bytes wait for its record's group (zero: a group is what queued during the previous fsync)
 * @param spoolFsync force each spool group to disk before the answers it covers are released (survives a
 *        power loss; costs an fsync per group). Off: a group is released once the operating system has it,
 *        which survives the gateway being killed (SIGKILL included) at a cost of microseconds
 * @param retryInterval how often an unreachable database is tried again
 * @param holdTimeout a hold still open after this long is released (its request is taken to be lost)
 * @param checkInterval how often prices and accounts are reloaded, grants expired and buckets checked
 *        against the ledger
 * @param demoGrant credits granted once to the demo tenant of the embedded default (decimal; "0" = none)
 * @param redisTimeout the longest one Redis command of the credit accounts may take; while Redis does not
 *        answer, calls of tenants with a credit account get 503 {@code billing_unavailable} at once
 */
@Validated
@ConfigurationProperties("gateway.billing")
public record BillingProperties(
        @DefaultValue("false") boolean creditsRequired,
        @DefaultValue("usd") @Pattern(regexp = "[a-z]{3}") String currency,
        @DefaultValue("") String redisUrl,
        @DefaultValue("model-gateway:credits:") @NotBlank String redisKeyPrefix,
        @DefaultValue("./data/usage-spool") @NotBlank String spoolDir,
        @DefaultValue("100000") @Min(1) int queueCapacity,
        @DefaultValue("2000") @Min(1) int batchSize,
        @DefaultValue("200ms") @NotNull Duration flushInterval,
        @DefaultValue("0ms") @NotNull Duration commitWindow,
        @DefaultValue("false") boolean spoolFsync,
        @DefaultValue("2s") @NotNull Duration retryInterval,
        @DefaultValue("15m") @NotNull Duration holdTimeout,
        @DefaultValue("10s") @NotNull Duration checkInterval,

        @DefaultValue("0") @Pattern(regexp = "\\d{1,12}(\\.\\d{1,6})?")
        String demoGrant,

        @DefaultValue("1s") @NotNull Duration redisTimeout) {

    public BillingProperties {
        if (batchSize > queueCapacity) {
            throw new IllegalArgumentException("gateway.billing.batch-size must not exceed queue-capacity");
        }
    }
}
