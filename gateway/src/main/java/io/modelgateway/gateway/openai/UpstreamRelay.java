package io.modelgateway.gateway.openai;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.deployment.HttpUpstream;
import io.modelgateway.gateway.openai.internal.Bodies;
import io.modelgateway.gateway.openai.internal.Generation;
import io.modelgateway.gateway.openai.internal.UpstreamRequest;
import io.modelgateway.gateway.openai.internal.UpstreamResponse;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.Operation;
import io.modelgateway.gateway.pipeline.Pipeline;
import io.modelgateway.gateway.pipeline.UsageTracker;
import io.modelgateway.gateway.web.RequestIdFilter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Chat and completions on an OpenAI-compatible HTTP upstream, proxied by Spring Cloud Gateway's own routing
 * ({@code FilteringWebHandler}: {@code NettyRoutingFilter} on SCG's HTTP client, {@code NettyWriteResponseFilter}
 * flushing SSE event by event) from inside the gateway's pipeline: the call is authenticated, validated and
 * admitted like any other, then the exchange is handed to SCG with a route to the upstream, a rewritten
 * request ({@link UpstreamRequest}) and a response that reads the usage ({@link UpstreamResponse}).
 */
@Component
public class UpstreamRelay {

    private final FilteringWebHandler gateway;
    private final Pipeline pipeline;
    private final Clock clock;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();

    public UpstreamRelay(FilteringWebHandler gateway, Pipeline pipeline, Clock clock) {
        this.gateway = gateway;
        this.pipeline = pipeline;
        this.clock = clock;
    }

    /** Relays {@code gen} (validated from the client's {@code body}) to its deployment's upstream. */
    public Mono<ServerResponse> handle(ServerRequest request, Generation gen, JsonNode body) {
        ServerWebExchange exchange = request.exchange();
        String requestId = RequestIdFilter.of(exchange);
        Call call = new Call(requestId, Caller.of(exchange), gen.deployment(),
                gen.chat() ? Operation.CHAT : Operation.COMPLETION, gen.stream(),
                gen.deployment().tokens().count(gen.prompt()), gen.maxTokens(), Bodies.size(exchange),
                clock.instant(), exchange.getResponse().getHeaders());
        return pipeline.admit(call).then(Mono.defer(() -> ServerResponse.ok()
                .build((ex, context) -> relay(ex, gen, body, call))));
    }

    private Mono<Void> relay(ServerWebExchange exchange, Generation gen, JsonNode body, Call call) {
        HttpUpstream upstream = gen.deployment().upstream();
        String maxParam = gen.chat() && body.has("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        byte[] upstreamBody = UpstreamRequest.body(body, gen, call, maxParam);
        UsageTracker tracker = new UsageTracker(pipeline, call, clock);
        ServerWebExchange proxied = exchange.mutate()
                .request(new UpstreamRequest(exchange.getRequest(), upstream,
                        gen.chat() ? "chat/completions" : "completions", upstreamBody, gen.stream(), call.requestId()))
                .response(new UpstreamResponse(exchange.getResponse(), call, tracker, gen.includeUsage(),
                        upstream.idleTimeout()))
                .build();
        proxied.getAttributes().put(GATEWAY_ROUTE_ATTR, route(upstream));
        call.markForwarded();
        return gateway.handle(proxied)
                .doOnError(e -> tracker.failed(e, false))
                .doOnCancel(tracker::cancelled)
                .doOnSuccess(v -> tracker.completed());
    }

    /** One route per upstream (SCG caches each route's filters, so routes are not made per request). */
    private Route route(HttpUpstream upstream) {
        return routes.computeIfAbsent(upstream.backend(), id -> Route.async()
                .id("upstream:" + id)
                .uri(upstream.baseUrl())
                .predicate(exchange -> true)
                .metadata(RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR, upstream.responseTimeout().toMillis())
                .build());
    }
}
