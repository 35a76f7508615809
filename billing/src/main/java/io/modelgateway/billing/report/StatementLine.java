package io.modelgateway.billing.report;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A credit or adjustment line of a statement: one ledger entry, or a correction carried from a closed
 * month.
 *
 * @param entryId the ledger entry ({@code 0} for a carried correction)
 * @param kind grant, top_up, expiry, adjustment, or correction
 * @param amount exact, in currency units, signed as it moves the balance
 */
public record StatementLine(long entryId, String kind, String description, Instant at, BigDecimal amount) {}
