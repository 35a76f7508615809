/** Counting (a call stage and a web filter), the counter and its periodic flush. */
package io.modelgateway.gateway.metering.outcome.internal;
