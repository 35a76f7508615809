package io.modelgateway.gateway.openai;

import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.openai.internal.Json;
import java.time.Clock;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JsonGenerator;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}}: the deployments, as OpenAI model objects. */
@Component
public class ModelsHandler {

    private final Deployments deployments;
    private final long created;

    public ModelsHandler(Deployments deployments, Clock clock) {
        this.deployments = deployments;
        this.created = clock.millis() / 1000;
    }

    public Mono<ServerResponse> list(Caller caller) {
        byte[] json = Json.write(g -> {
            g.writeStartObject();
            g.writeStringProperty("object", "list");
            g.writeName("data");
            g.writeStartArray();
            for (Deployment d : deployments.all()) {
                if (caller != null && caller.mayUse(d.name())) {
                    model(g, d);
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        });
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(json);
    }

    public Mono<ServerResponse> get(String id, Caller caller) {
        Deployment d = deployments.require(id, caller);
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(Json.write(g -> model(g, d)));
    }

    private void model(JsonGenerator g, Deployment d) {
        g.writeStartObject();
        g.writeStringProperty("id", d.name());
        g.writeStringProperty("object", "model");
        g.writeNumberProperty("created", created);
        g.writeStringProperty("owned_by", "model-gateway");
        g.writeEndObject();
    }
}
