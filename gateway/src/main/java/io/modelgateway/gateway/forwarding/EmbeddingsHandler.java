package io.modelgateway.gateway.forwarding;

import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.config.GatewayProperties.Kind;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.edge.RequestTimers;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.edge.json.Fields;
import io.modelgateway.gateway.edge.json.Json;
import io.modelgateway.gateway.forwarding.internal.Calls;
import io.modelgateway.gateway.forwarding.internal.JsonAnswers;
import io.modelgateway.gateway.pipeline.AnswerTally;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.Pipeline;
import io.modelgateway.inference.EmbeddingRequest;
import io.modelgateway.inference.EmbeddingResult;
import io.modelgateway.inference.Tensors;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** {@code POST /v1/embeddings}: a batch of texts, one {@code ModelInfer} call, {@code float} or {@code base64}. */
@Component
public class EmbeddingsHandler {

    private static final Set<String> FIELDS = Set.of("model", "input", "encoding_format", "dimensions", "user");
    private static final int MAX_INPUTS = 2048;

    private final Deployments deployments;
    private final Pipeline pipeline;
    private final Clock clock;
    private final RequestTimers timers;

    public EmbeddingsHandler(Deployments deployments, Pipeline pipeline, Clock clock, RequestTimers timers) {
        this.deployments = deployments;
        this.pipeline = pipeline;
        this.clock = clock;
        this.timers = timers;
    }

    /** A validated embeddings request: its call, and how the answer is written. */
    private record Parsed(Deployment d, Call call, boolean base64, Integer dimensions) {}

    /** The call an embeddings request would make (validated exactly as {@link #handle} does), for a quote. */
    Call call(ServerRequest request, JsonNode body, String pathDeployment) {
        return parse(request, body, pathDeployment).call();
    }

    private Parsed parse(ServerRequest request, JsonNode body, String pathDeployment) {
        Fields.rejectUnknown(body, FIELDS);
        String model = Fields.string(body, "model", pathDeployment == null);
        Deployment d =
                deployments.require(pathDeployment != null ? pathDeployment : model, Caller.of(request.exchange()));
        if (d.kind() != Kind.EMBEDDINGS) {
            throw ApiException.invalid(
                    "model", "model_not_supported", "The model `" + d.name() + "` does not support embeddings.");
        }
        List<String> inputs = inputs(body);
        boolean base64 = base64(body);
        Integer dimensions = Fields.integer(body, "dimensions", 1, 65536);
        Fields.string(body, "user", false);
        Call call = Calls.embeddings(request.exchange(), d, inputs, Set.copyOf(body.propertyNames()), clock);
        return new Parsed(d, call, base64, dimensions);
    }

    public Mono<ServerResponse> handle(ServerRequest request, JsonNode body, String pathDeployment) {
        Parsed parsed = parse(request, body, pathDeployment);
        Deployment d = parsed.d();
        Call call = parsed.call();
        boolean base64 = parsed.base64();
        Integer dimensions = parsed.dimensions();
        return pipeline.admit(call).then(Mono.defer(() -> {
            AnswerTally tracker = new AnswerTally(pipeline, call, clock);
            call.markForwarded();
            CompletableFuture<EmbeddingResult> result =
                    d.backend().embed(new EmbeddingRequest(call.requestId(), d.model(), call.prompts()), d.tokens());
            return Mono.fromFuture(result, true)
                    .timeout(d.requestTimeout(), timers.of(request.exchange()))
                    .map(r -> {
                        tracker.finished(r.usage());
                        if (dimensions != null && dimensions != r.dimensions()) {
                            throw ApiException.unsupported(
                                    "dimensions",
                                    "This model only produces " + r.dimensions() + "-dimensional embeddings.");
                        }
                        return write(d, r, base64);
                    })
                    .doOnError(e -> tracker.failed(e, false))
                    // A client that leaves is billed with the backend's count once the backend has answered.
                    .doOnCancel(() -> result.whenComplete((r, e) -> {
                        if (r != null) {
                            tracker.finished(r.usage());
                            tracker.cancelled();
                        } else {
                            tracker.failed(e, false);
                        }
                    }))
                    .flatMap(json -> tracker.complete() // the record is durable before the body is written
                            .then(JsonAnswers.ok(json)));
        }));
    }

    private static List<String> inputs(JsonNode body) {
        JsonNode input = Fields.get(body, "input");
        if (input == null) {
            throw ApiException.invalid("input", "missing_required_parameter", "Missing required parameter: 'input'.");
        }
        if (input.isString()) {
            return List.of(nonEmpty(input.asString(), "input"));
        }
        if (!input.isArray()) {
            throw Fields.typeError("input", "a string or an array of strings", input);
        }
        if (input.isEmpty() || input.size() > MAX_INPUTS) {
            throw ApiException.invalid(
                    "input", "invalid_value", "Invalid 'input': expected between 1 and " + MAX_INPUTS + " items.");
        }
        List<String> out = new ArrayList<>(input.size());
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            if (item.isNumber() || item.isArray()) {
                throw ApiException.unsupported(
                        "input", "Token-array input is not supported by this deployment; send text.");
            }
            if (!item.isString()) {
                throw Fields.typeError("input[" + i + "]", "a string", item);
            }
            out.add(nonEmpty(item.asString(), "input[" + i + "]"));
        }
        return out;
    }

    /** Text the tokenizer can take: not empty, no NUL characters (they are refused here, not by the model). */
    private static String nonEmpty(String s, String param) {
        if (s.isEmpty()) {
            throw ApiException.invalid(param, "invalid_value", "Invalid '" + param + "': empty string.");
        }
        if (s.indexOf(0) >= 0) {
            throw ApiException.invalid(param, "invalid_value", "Invalid '" + param + "': contains a NUL character.");
        }
        return s;
    }

    private static boolean base64(JsonNode body) {
        String format = Fields.string(body, "encoding_format", false);
        if (format == null || "float".equals(format)) {
            return false;
        }
        if ("base64".equals(format)) {
            return true;
        }
        throw ApiException.invalid(
                "encoding_format",
                "invalid_value",
                "Invalid 'encoding_format': '" + format + "'. Supported values are: 'float' and 'base64'.");
    }

    private static byte[] write(Deployment d, EmbeddingResult r, boolean base64) {
        return Json.write(g -> {
            g.writeStartObject();
            g.writeStringProperty("object", "list");
            g.writeName("data");
            g.writeStartArray();
            for (int i = 0; i < r.vectors().size(); i++) {
                float[] v = r.vectors().get(i);
                g.writeStartObject();
                g.writeStringProperty("object", "embedding");
                g.writeNumberProperty("index", i);
                if (base64) {
                    g.writeStringProperty(
                            "embedding",
                            Base64.getEncoder()
                                    .encodeToString(Tensors.encodeFp32(v).toByteArray()));
                } else {
                    g.writeName("embedding");
                    g.writeStartArray();
                    for (float f : v) {
                        g.writeNumber(f);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringProperty("model", d.name());
            g.writeName("usage");
            g.writeStartObject();
            g.writeNumberProperty("prompt_tokens", r.usage().promptTokens());
            g.writeNumberProperty("total_tokens", r.usage().promptTokens());
            g.writeEndObject();
            g.writeEndObject();
        });
    }
}
