package io.modelgateway.gateway.metering.outcome.internal;

import io.modelgateway.gateway.auth.Access;
import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.auth.RouteTable;
import io.modelgateway.gateway.edge.OnEnd;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.edge.error.OpenAiErrors;
import io.modelgateway.gateway.metering.outcome.OutcomeClass;
import io.modelgateway.gateway.pipeline.Call;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Counts the model calls (POSTs to inference routes) that never became a {@link Call}: refused before a tenant
 * was known (401, under no tenant), by the gate (403), or before a deployment was resolved (unknown model,
 * unreadable body: under no deployment). Calls are counted by {@link OutcomeStage}. Runs before Spring Security,
 * so it sees its refusals too.
 */
@Order(Ordered.HIGHEST_PRECEDENCE + 4) // after the gate's route match, before Spring Security (-100)
final class OutcomeFilter implements WebFilter {

    private final OutcomeCounter counter;

    OutcomeFilter(OutcomeCounter counter) {
        this.counter = counter;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        // The gate (ordered before) has matched the route: only model calls get an operator.
        if (exchange.getRequest().getMethod() != HttpMethod.POST || !inference(exchange)) {
            return chain.filter(exchange);
        }
        return OnEnd.watch(chain.filter(exchange), (signal, error) -> {
            if (exchange.getAttribute(Call.ATTRIBUTE) == null) {
                record(exchange, signal, error);
            }
        });
    }

    private void record(ServerWebExchange exchange, SignalType signal, Throwable error) {
        Caller caller = Caller.of(exchange);
        String tenant = caller == null ? null : caller.tenant();
        if (error != null) {
            ApiException e = OpenAiErrors.classify(error); // what the error handler will answer
            counter.record(
                    tenant,
                    null,
                    OutcomeClass.ofStatus(e.status().value()),
                    code(e.status().value(), e.code()));
            return;
        }
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        int s = signal == SignalType.CANCEL ? 499 : status == null ? 200 : status.value();
        counter.record(tenant, null, OutcomeClass.ofStatus(s), code(s, null));
    }

    private static String code(int status, String code) {
        if (code != null) {
            return code;
        }
        return status == 499 ? "client_closed_request" : status < 400 ? "" : "status_" + status;
    }

    private static boolean inference(ServerWebExchange exchange) {
        List<RouteTable.Route> matched = exchange.getAttribute(RouteTable.MATCHED);
        if (matched == null) {
            return false;
        }
        for (int i = 0; i < matched.size(); i++) {
            if (matched.get(i).access() == Access.INFERENCE) {
                return true;
            }
        }
        return false;
    }
}
