/**
 * The call pipeline: every API call that may reach a backend passes through the ordered {@link
 * io.modelgateway.gateway.pipeline.CallStage}s (policy, quotas, credits, metering, metrics) once before it is
 * forwarded and once when it ends, whatever way it ends. Handlers own the {@link
 * io.modelgateway.gateway.pipeline.Call}; stages keep their per-call state in it.
 */
package io.modelgateway.gateway.pipeline;
