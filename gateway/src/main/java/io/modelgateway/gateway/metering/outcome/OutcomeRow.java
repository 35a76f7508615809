package io.modelgateway.gateway.metering.outcome;

import org.jspecify.annotations.Nullable;

/**
 * One result of an Outcomes API bucket: the requests of a group; fields not grouped by are {@code null}, as is
 * {@code tenant} for requests refused before a tenant was known and {@code model} for those that named none
 * we serve.
 */
public record OutcomeRow(
        @Nullable String tenant,
        @Nullable String model,
        @Nullable String outcome,
        @Nullable String code,
        long requests) {}
