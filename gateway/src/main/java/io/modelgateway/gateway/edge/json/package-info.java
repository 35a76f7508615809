/**
 * JSON at the edge: every request body of the gateway (OpenAI, admin, quota, credits, policy, finance) read as
 * JSON under a size cap and parser limits ({@link io.modelgateway.gateway.edge.json.Bodies}, {@link
 * io.modelgateway.gateway.edge.json.Json}), its fields checked with a 400 naming the parameter ({@link
 * io.modelgateway.gateway.edge.json.Fields}), and JSON written ({@code Json.write}). Null-safety: everything here
 * is non-null unless marked {@code @Nullable}; NullAway checks it at compile time.
 */
@NullMarked
package io.modelgateway.gateway.edge.json;

import org.jspecify.annotations.NullMarked;
