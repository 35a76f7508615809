/**
 * Prometheus metrics: {@link io.modelgateway.gateway.metering.MetricNames} names every series; a call stage
 * records the OpenTelemetry GenAI metrics and the gateway's request and refusal counters; probes publish
 * backend, Redis and database health and latency. Implementation in {@code internal}.
 */
package io.modelgateway.gateway.metering;
