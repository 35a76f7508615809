package io.modelgateway.gateway.catalog;

import static io.modelgateway.gateway.auth.Access.INFERENCE;

import io.modelgateway.gateway.auth.Access;
import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.catalog.internal.CatalogSearch;
import io.modelgateway.gateway.catalog.internal.ModelLifecycleAdmin;
import io.modelgateway.gateway.catalog.internal.ModelLoads;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.edge.error.ApiException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The catalog's customer endpoints: {@code GET /v1/catalog} (search, see {@link CatalogSearch}) and Azure's
 * model list {@code GET /openai/models?api-version=...}. Both show only the deployments the caller's tenant
 * may use. ({@code /v1/models} is served by the OpenAI routes, from the same {@link ModelCatalog}.)
 */
@Configuration(proxyBeanMethods = false)
public class CatalogRoutes {

    private static final String ACCESS = Access.ATTRIBUTE;

    @Bean
    RouterFunction<ServerResponse> catalogRouter(ModelCatalog catalog, Clock clock) {
        long created = clock.millis() / 1000;
        return RouterFunctions.route()
                .GET("/v1/catalog", req -> search(catalog, req, created))
                .withAttribute(ACCESS, INFERENCE)
                .GET("/openai/v1/catalog", req -> search(catalog, req, created))
                .withAttribute(ACCESS, INFERENCE)
                .GET("/openai/models", req -> azure(catalog, req, created))
                .withAttribute(ACCESS, INFERENCE)
                .build();
    }

    /** Loading and unloading a deployment's model on its Triton pool ({@link ModelLifecycleAdmin}). */
    @Bean
    RouterFunction<ServerResponse> modelLifecycleRouter(Deployments deployments, ModelLoads loads) {
        ModelLifecycleAdmin admin = new ModelLifecycleAdmin(deployments, loads);
        return RouterFunctions.route()
                .POST("/admin/v1/deployments/{deployment}/load", admin::load)
                .withAttribute(ACCESS, Access.ADMIN)
                .POST("/admin/v1/deployments/{deployment}/unload", admin::unload)
                .withAttribute(ACCESS, Access.ADMIN)
                .build();
    }

    private static Mono<ServerResponse> search(ModelCatalog catalog, ServerRequest req, long created) {
        CatalogSearch search = CatalogSearch.parse(req.queryParams());
        return catalog.visible(Caller.of(req.exchange())).map(search::apply).flatMap(page -> {
            List<Map<String, Object>> data = page.data().stream()
                    .map(e -> CatalogViews.openAi(e, created))
                    .toList();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("object", "list");
            body.put("data", data);
            body.put(
                    "first_id",
                    page.data().isEmpty() ? null : page.data().get(0).id());
            body.put(
                    "last_id",
                    page.data().isEmpty()
                            ? null
                            : page.data().get(page.data().size() - 1).id());
            body.put("has_more", page.hasMore());
            return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        });
    }

    private static Mono<ServerResponse> azure(ModelCatalog catalog, ServerRequest req, long created) {
        if (req.queryParam("api-version").filter(v -> !v.isBlank()).isEmpty()) {
            return Mono.error(ApiException.invalid(
                    "api-version", "missing_api_version", "Missing required query parameter 'api-version'."));
        }
        return catalog.visible(Caller.of(req.exchange())).flatMap(entries -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put(
                    "data",
                    entries.stream().map(e -> CatalogViews.azure(e, created)).toList());
            body.put("object", "list");
            return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        });
    }
}
