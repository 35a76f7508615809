/**
 * The embedded default's model server ({@link io.modelgateway.gateway.embedded.EmbeddedModelServer}): started
 * in-process on a loopback port when {@code gateway.embedded-model-server.enabled} is set, and reached over real
 * gRPC by deployments whose backend is {@code embedded}, exactly as Triton is.
 *
 * <p>Null-safety: everything here is non-null unless marked {@code @Nullable}; NullAway checks it at compile time.
 */
@NullMarked
package io.modelgateway.gateway.embedded;

import org.jspecify.annotations.NullMarked;
