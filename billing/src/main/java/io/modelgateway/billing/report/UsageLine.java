package io.modelgateway.billing.report;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * A charge for one token type of one deployment at one price version.
 *
 * @param quantity tokens (per {@code 1M} priced) or calls ({@link TokenType#REQUESTS}); 0 for rounding
 * @param unitPrice currency units per 1M tokens, or per call; {@code null} for rounding
 * @param amount the exact amount in currency units (tokens x price / 1M, not rounded)
 */
public record UsageLine(
        String deployment,
        long priceVersion,
        TokenType type,
        long quantity,
        @Nullable BigDecimal unitPrice,
        BigDecimal amount) {

    /** OpenAI's {@code line_item}: {@code "<deployment>, <token type>"}. */
    public String lineItem() {
        return deployment + ", " + type.value();
    }
}
