/**
 * What calls used and how they went. The usage stage ({@code internal.UsageStage}) hands every billed call's
 * usage record to the billing module's writer, priced through {@link io.modelgateway.gateway.metering.UsagePricing}
 * (implemented by {@code credits}, whose published slot holds the price a call was admitted at). Prometheus metrics: {@link io.modelgateway.gateway.metering.MetricNames} names every series; a call stage
 * records the OpenTelemetry GenAI metrics and the gateway's request and refusal counters; probes publish
 * backend, Redis and database health and latency. Implementation in {@code internal}.
 *
 * <p>Null-safety: everything here is non-null unless marked {@code @Nullable}; NullAway checks it at compile time.
 */
@NullMarked
package io.modelgateway.gateway.metering;

import org.jspecify.annotations.NullMarked;
