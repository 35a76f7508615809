package io.modelgateway.gateway.pipeline;

import io.modelgateway.gateway.edge.error.ApiException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;

/**
 * A test stage standing in for quotas and policy (later in the pipeline than the metrics stage): refuses
 * calls asking for exactly {@link #RATE_LIMITED} max tokens with a 429 {@code rate_limit_exceeded}, and
 * {@link #POLICY} with a 400 {@code policy_violation}. Every other call passes. Not a component: only the
 * tests that need it bring it in with {@code @Import(RefusingTestStage.class)} (their own Spring context).
 */
@Order(StageOrder.COMPLIANCE)
public class RefusingTestStage implements CallStage {

    public static final int RATE_LIMITED = 4029;
    public static final int POLICY = 4001;

    @Override
    public Mono<Void> admit(Call call) {
        if (call.maxTokens() == RATE_LIMITED) {
            return Mono.error(ApiException.of(
                    HttpStatus.TOO_MANY_REQUESTS,
                    "requests",
                    null,
                    "rate_limit_exceeded",
                    "Rate limit reached (test stage)."));
        }
        if (call.maxTokens() == POLICY) {
            return Mono.error(ApiException.invalid(null, "policy_violation", "Refused by policy (test stage)."));
        }
        return Mono.empty();
    }
}
