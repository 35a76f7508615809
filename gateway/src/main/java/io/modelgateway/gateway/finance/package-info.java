/**
 * The finance API under {@code /v1/organization/}: OpenAI's Usage and Costs APIs, the raw usage records,
 * monthly statements and reconciliation, as JSON or streamed CSV. {@code finance} and {@code admin}
 * credentials see every tenant; a tenant's {@code usage.read} key sees its own only. The reports
 * themselves are the billing module's ({@code io.modelgateway.billing.report}); the HTTP side is in
 * {@code internal}.
 */
package io.modelgateway.gateway.finance;
