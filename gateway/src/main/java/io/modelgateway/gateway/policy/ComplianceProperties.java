package io.modelgateway.gateway.policy;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Compliance settings ({@code gateway.compliance.*}). The policies themselves live in the database.
 *
 * @param reloadInterval how often policies are reloaded from the database (picks up other replicas' changes)
 * @param auditFlushInterval how often queued audit records are written, in one batch
 * @param auditBatchSize most records per batch insert
 * @param auditQueueCapacity most records waiting in memory; beyond it records are dropped and counted
 */
@Validated
@ConfigurationProperties("gateway.compliance")
public record ComplianceProperties(
        @DefaultValue("30s") @NotNull Duration reloadInterval,
        @DefaultValue("1s") @NotNull Duration auditFlushInterval,
        @DefaultValue("500") @Positive int auditBatchSize,
        @DefaultValue("100000") @Positive int auditQueueCapacity) {}
