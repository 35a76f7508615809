/**
 * The gateway application. A model call meets these packages in this order: {@code edge} (HTTP limits,
 * request ids; {@code edge.error}, the one error mapper;
 * {@code edge.json}, request bodies read as JSON under limits and their fields checked), {@code auth} (the gate and credentials),
 * {@code forwarding} (OpenAI/Azure routes, handlers, the call's body, forwarding and the answer),
 * {@code pipeline} (the call and its ordered stages), {@code policy} (compliance), {@code quota} (RPM/TPM),
 * {@code credits} (holds, captures, the price a call was admitted at), {@code metering} (the usage record,
 * metrics, access log, call outcomes).
 * Around the path: {@code tenancy}, {@code deployment}, {@code catalog}, {@code admin}, {@code finance},
 * {@code console}, {@code config}, {@code embedded}, {@code runtime} (lifecycle phases, the JDBC scheduler,
 * JSON mappers, reloads and replica signals).
 */
package io.modelgateway.gateway;
