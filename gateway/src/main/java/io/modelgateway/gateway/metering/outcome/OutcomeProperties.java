package io.modelgateway.gateway.metering.outcome;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Call outcome counting ({@code gateway.outcomes.*}).
 *
 * @param flushInterval how often a replica adds its counts to the database (also at shutdown); the Outcomes
 *        API lags by at most this much
 */
@Validated
@ConfigurationProperties("gateway.outcomes")
public record OutcomeProperties(
        @DefaultValue("10s") @NotNull Duration flushInterval) {

    public OutcomeProperties {
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("gateway.outcomes.flush-interval must be positive");
        }
    }
}
