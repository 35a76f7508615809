package io.modelgateway.gateway.forwarding;

import static io.modelgateway.gateway.auth.Access.INFERENCE;

import io.modelgateway.gateway.auth.Access;
import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.config.GatewayProperties;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.edge.json.Bodies;
import io.modelgateway.gateway.forwarding.internal.Calls;
import io.modelgateway.gateway.forwarding.internal.Generation;
import io.modelgateway.gateway.forwarding.internal.GenerationReader;
import java.time.Clock;
import java.util.function.BiFunction;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.MethodNotAllowedException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAI endpoints ({@code /v1/...}), Azure's v1 form ({@code /openai/v1/...}) and Azure's
 * deployment form ({@code /openai/deployments/{deployment}/...?api-version=...}), served as WebFlux
 * handlers on the gateway's Netty server: the gRPC call to Triton is the only hop.
 */
@Configuration(proxyBeanMethods = false)
public class OpenAiRoutes {

    private static final String[] PREFIXES = {"/v1", "/openai/v1"};
    private static final String AZURE = "/openai/deployments/{deployment}";
    private static final String ACCESS = Access.ATTRIBUTE;

    @Bean
    RouterFunction<ServerResponse> openAiRouter(
            GatewayProperties properties,
            Deployments deployments,
            GenerationHandler generations,
            EmbeddingsHandler embeddings,
            ModelsHandler models,
            UpstreamRelay upstreams,
            QuoteHandler quotes,
            Clock clock) {
        long maxBytes = properties.maxRequestBody().toBytes();
        GenerationReader reader = new GenerationReader(deployments);
        BodyHandler chat = (req, body) -> generate(
                generations, upstreams, req, body, reader.chat(body, azureDeployment(req), Caller.of(req.exchange())));
        BodyHandler completion = (req, body) -> generate(
                generations,
                upstreams,
                req,
                body,
                reader.completion(body, azureDeployment(req), Caller.of(req.exchange())));
        BodyHandler embedding = (req, body) -> embeddings.handle(req, body, azureDeployment(req));
        // Quotes: the same parsing and call description as the calls, then the pipeline's quote, not its admission.
        BodyHandler chatQuote = (req, body) -> quotes.quote(Calls.generation(
                req.exchange(), reader.chat(body, azureDeployment(req), Caller.of(req.exchange())), clock));
        BodyHandler completionQuote = (req, body) -> quotes.quote(Calls.generation(
                req.exchange(), reader.completion(body, azureDeployment(req), Caller.of(req.exchange())), clock));
        BodyHandler embeddingQuote = (req, body) -> quotes.quote(embeddings.call(req, body, azureDeployment(req)));

        RouterFunctions.Builder routes = RouterFunctions.route();
        for (String prefix : PREFIXES) {
            routes.POST(prefix + "/chat/completions/quote", withBody(chatQuote, maxBytes))
                    .withAttribute(ACCESS, INFERENCE)
                    .POST(prefix + "/completions/quote", withBody(completionQuote, maxBytes))
                    .withAttribute(ACCESS, INFERENCE)
                    .POST(prefix + "/embeddings/quote", withBody(embeddingQuote, maxBytes))
                    .withAttribute(ACCESS, INFERENCE)
                    .POST(prefix + "/chat/completions", withBody(chat, maxBytes))
                    .withAttribute(ACCESS, INFERENCE)
                    .POST(prefix + "/completions", withBody(completion, maxBytes))
                    .withAttribute(ACCESS, INFERENCE)
                    .POST(prefix + "/embeddings", withBody(embedding, maxBytes))
                    .withAttribute(ACCESS, INFERENCE)
                    .GET(prefix + "/models", req -> models.list(Caller.of(req.exchange())))
                    .withAttribute(ACCESS, INFERENCE)
                    .GET(
                            prefix + "/models/{*id}",
                            req -> models.get(req.pathVariable("id").substring(1), Caller.of(req.exchange())))
                    .withAttribute(ACCESS, INFERENCE);
            for (String path : new String[] {
                "/chat/completions",
                "/completions",
                "/embeddings",
                "/chat/completions/quote",
                "/completions/quote",
                "/embeddings/quote"
            }) {
                routes.route(RequestPredicates.path(prefix + path), OpenAiRoutes::methodNotAllowed)
                        .withAttribute(ACCESS, INFERENCE);
            }
            routes.route(RequestPredicates.path(prefix + "/models/**"), OpenAiRoutes::methodNotAllowed)
                    .withAttribute(ACCESS, INFERENCE);
        }
        routes.POST(AZURE + "/chat/completions", azure(withBody(chat, maxBytes)))
                .withAttribute(ACCESS, INFERENCE)
                .POST(AZURE + "/completions", azure(withBody(completion, maxBytes)))
                .withAttribute(ACCESS, INFERENCE)
                .POST(AZURE + "/embeddings", azure(withBody(embedding, maxBytes)))
                .withAttribute(ACCESS, INFERENCE)
                .POST(AZURE + "/chat/completions/quote", azure(withBody(chatQuote, maxBytes)))
                .withAttribute(ACCESS, INFERENCE)
                .POST(AZURE + "/completions/quote", azure(withBody(completionQuote, maxBytes)))
                .withAttribute(ACCESS, INFERENCE)
                .POST(AZURE + "/embeddings/quote", azure(withBody(embeddingQuote, maxBytes)))
                .withAttribute(ACCESS, INFERENCE);
        return routes.build();
    }

    /** Triton deployments are served by the handler; HTTP upstreams are proxied by Spring Cloud Gateway. */
    private static Mono<ServerResponse> generate(
            GenerationHandler generations, UpstreamRelay upstreams, ServerRequest req, JsonNode body, Generation gen) {
        return gen.deployment().proxied() ? upstreams.handle(req, gen) : generations.handle(req, gen);
    }

    private interface BodyHandler extends BiFunction<ServerRequest, JsonNode, Mono<ServerResponse>> {}

    private static HandlerFunction<ServerResponse> withBody(BodyHandler handler, long maxBytes) {
        return req -> Bodies.json(req, maxBytes).flatMap(body -> handler.apply(req, body));
    }

    /** Azure's deployment paths require {@code api-version}; the deployment comes from the path. */
    private static HandlerFunction<ServerResponse> azure(HandlerFunction<ServerResponse> handler) {
        return req -> {
            if (req.queryParam("api-version").filter(v -> !v.isBlank()).isEmpty()) {
                return Mono.error(ApiException.invalid(
                        "api-version", "missing_api_version", "Missing required query parameter 'api-version'."));
            }
            return handler.handle(req);
        };
    }

    private static Mono<ServerResponse> methodNotAllowed(ServerRequest req) {
        return Mono.error(new MethodNotAllowedException(req.method(), java.util.List.of()));
    }

    private static String azureDeployment(ServerRequest req) {
        return req.pathVariables().get("deployment");
    }
}
