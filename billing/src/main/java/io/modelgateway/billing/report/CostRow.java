package io.modelgateway.billing.report;

import java.math.BigDecimal;

/**
 * One result of a costs bucket: the grouped-by fields set, the others {@code null}.
 *
 * @param amount exact, in currency units
 */
public record CostRow(String tenant, String lineItem, BigDecimal amount) {}
