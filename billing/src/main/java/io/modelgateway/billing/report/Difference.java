package io.modelgateway.billing.report;

/**
 * One thing that does not add up.
 *
 * @param kind {@code record_cost} (a record's cost vs its tokens and price version), {@code rollup} (a
 *        daily rollup vs its records) or {@code balance} (the ledger's balance vs its entries and records)
 * @param subject what it is about: a request id, a rollup key, a tenant
 * @param stored the amount or count as stored (micro-units for money)
 * @param recomputed what it should be
 */
public record Difference(String kind, String tenant, String subject, long stored, long recomputed) {}
