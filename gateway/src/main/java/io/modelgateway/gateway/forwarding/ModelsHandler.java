package io.modelgateway.gateway.forwarding;

import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.catalog.CatalogViews;
import io.modelgateway.gateway.catalog.ModelCatalog;
import io.modelgateway.gateway.edge.error.ApiException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}}: the deployments the tenant may use, as OpenAI model
 * objects with the catalog's fields added (see {@link CatalogViews#openAi}).
 */
@Component
public class ModelsHandler {

    private final ModelCatalog catalog;
    private final long created;

    public ModelsHandler(ModelCatalog catalog, Clock clock) {
        this.catalog = catalog;
        this.created = clock.millis() / 1000;
    }

    public Mono<ServerResponse> list(Caller caller) {
        return catalog.visible(caller).flatMap(entries -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("object", "list");
            body.put(
                    "data",
                    entries.stream().map(e -> CatalogViews.openAi(e, created)).toList());
            return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        });
    }

    public Mono<ServerResponse> get(String id, Caller caller) {
        return catalog.one(id, caller)
                .switchIfEmpty(Mono.error(() -> ApiException.modelNotFound(id)))
                .flatMap(e -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(CatalogViews.openAi(e, created)));
    }
}
