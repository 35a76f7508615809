package io.modelgateway.billing.report;

import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * One result of a costs bucket: the grouped-by fields set, the others {@code null}.
 *
 * @param amount exact, in currency units
 */
public record CostRow(@Nullable String tenant, @Nullable String lineItem, BigDecimal amount) {}
