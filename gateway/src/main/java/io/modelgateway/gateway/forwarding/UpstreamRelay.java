package io.modelgateway.gateway.forwarding;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import io.modelgateway.gateway.deployment.HttpUpstream;
import io.modelgateway.gateway.forwarding.internal.Calls;
import io.modelgateway.gateway.forwarding.internal.Generation;
import io.modelgateway.gateway.forwarding.internal.UpstreamRequest;
import io.modelgateway.gateway.forwarding.internal.UpstreamResponse;
import io.modelgateway.gateway.pipeline.AnswerTally;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.Pipeline;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.RouteMetadataUtils;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Chat and completions on an OpenAI-compatible HTTP upstream, proxied by Spring Cloud Gateway's own routing
 * ({@code FilteringWebHandler}: {@code NettyRoutingFilter} on SCG's HTTP client, {@code NettyWriteResponseFilter}
 * flushing SSE event by event) from inside the gateway's pipeline: the call is authenticated, validated and
 * admitted like any other — through the same call factory and stages as a Triton call, so the same policy,
 * quotas and credits apply — then the exchange is handed to SCG with a route to the upstream, a request rebuilt
 * from the validated fields ({@link UpstreamRequest}) and a response that reads the usage, applies the output
 * rules and waits for the usage record to be durable before the answer's end ({@link UpstreamResponse}).
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

    /** Relays {@code gen} (validated from the client's body) to its deployment's upstream. */
    public Mono<ServerResponse> handle(ServerRequest request, Generation gen) {
        Call call = Calls.generation(request.exchange(), gen, clock);
        return pipeline.admit(call)
                .then(Mono.defer(() -> ServerResponse.ok().build((ex, context) -> relay(ex, gen, call))));
    }

    private Mono<Void> relay(ServerWebExchange exchange, Generation gen, Call call) {
        HttpUpstream upstream = gen.deployment().upstream();
        byte[] upstreamBody = UpstreamRequest.body(gen, call);
        AnswerTally tracker = new AnswerTally(pipeline, call, clock);
        UpstreamResponse response = new UpstreamResponse(
                exchange.getResponse(),
                call,
                tracker,
                gen.includeUsage(),
                upstream.idleTimeout(),
                gen.deployment().requestTimeout());
        ServerWebExchange proxied = exchange.mutate()
                .request(new UpstreamRequest(
                        exchange.getRequest(),
                        upstream,
                        gen.chat() ? "chat/completions" : "completions",
                        upstreamBody,
                        gen.stream(),
                        call.requestId()))
                .response(response)
                .build();
        proxied.getAttributes().put(GATEWAY_ROUTE_ATTR, route(upstream));
        call.markForwarded();
        Mono<Void> relayed =
                gateway.handle(proxied).doOnError(e -> tracker.failed(e, false)).doOnSuccess(v -> tracker.completed());
        if (gen.stream()) {
            return relayed.doOnCancel(tracker::cancelled);
        }
        // A non-streamed answer is read to its usage even when the client leaves (bounded by the request
        // timeout): the relay runs on by itself, and the call is billed with the upstream's usage.
        CompletableFuture<Void> done = relayed.toFuture();
        return Mono.fromFuture(done, true).doOnCancel(response::clientGone);
    }

    /** One route per upstream (SCG caches each route's filters, so routes are not made per request). */
    private Route route(HttpUpstream upstream) {
        return routes.computeIfAbsent(
                upstream.backend(),
                id -> Route.async()
                        .id("upstream:" + id)
                        .uri(upstream.baseUrl())
                        .predicate(exchange -> true)
                        .metadata(
                                RouteMetadataUtils.RESPONSE_TIMEOUT_ATTR,
                                upstream.responseTimeout().toMillis())
                        .build());
    }
}
