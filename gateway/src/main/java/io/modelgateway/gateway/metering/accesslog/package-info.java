/**
 * One access-log line per HTTP request (logger {@code io.modelgateway.access}): request id, method, path,
 * status, duration, and for API calls the tenant, credential id, deployment, outcome, tokens and time to
 * first token. Never a key, a token, a prompt or a completion. With Spring Boot's structured logging
 * ({@code logging.structured.format.console=ecs}) every field is also a JSON key.
 */
package io.modelgateway.gateway.metering.accesslog;
