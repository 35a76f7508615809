/**
 * The call pipeline: every API call that may reach a backend passes through the ordered {@link
 * io.modelgateway.gateway.pipeline.CallStage}s (metrics, usage, policy, quotas, credits; the order is declared in
 * {@link io.modelgateway.gateway.pipeline.StageOrder} only) once before it is forwarded and once when it ends,
 * whatever way it ends. Handlers build every {@link io.modelgateway.gateway.pipeline.Call} through one factory
 * ({@code openai.internal.Calls}), fully described (prompts, parameters, output budget); stages keep their
 * per-call state in it.
 *
 * <p>Null-safety: everything here is non-null unless marked {@code @Nullable}; NullAway checks it at compile time.
 */
@NullMarked
package io.modelgateway.gateway.pipeline;

import org.jspecify.annotations.NullMarked;
