package io.modelgateway.gateway.admin;

import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.edge.json.Bodies;
import io.modelgateway.gateway.runtime.JsonMappers;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API's JSON: snake_case like OpenAI's, unknown fields refused, bodies capped and validated
 * with Jakarta constraints. Every failure is an {@link ApiException}, so it leaves in OpenAI's shape.
 */
final class AdminJson {

    private static final long MAX_BODY = 64 * 1024;
    private static final JsonMapper MAPPER = JsonMappers.ADMIN;

    private final Validator validator;

    AdminJson(Validator validator) {
        this.validator = validator;
    }

    <T> Mono<T> read(ServerRequest request, Class<T> type) {
        return Bodies.json(request, MAX_BODY).map(node -> validate(convert(node, type)));
    }

    /** The body as a JSON object, for handlers that read its fields themselves. */
    Mono<tools.jackson.databind.JsonNode> tree(ServerRequest request) {
        return Bodies.json(request, MAX_BODY).map(node -> {
            if (!node.isObject()) {
                throw ApiException.invalid(null, "invalid_type", "The request body must be a JSON object.");
            }
            return node;
        });
    }

    /** Like {@link #read}, but a request without a body gets {@code empty}. */
    <T> Mono<T> readOptional(ServerRequest request, Class<T> type, T empty) {
        var headers = request.headers().asHttpHeaders();
        boolean noBody = headers.getContentLength() <= 0 && !headers.containsHeader("Transfer-Encoding");
        return noBody ? Mono.just(empty) : read(request, type);
    }

    private static <T> T convert(tools.jackson.databind.JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.invalid(
                    e.getPropertyName(),
                    "unknown_parameter",
                    "Unrecognized request argument supplied: " + e.getPropertyName());
        } catch (DatabindException e) {
            String param = e.getPath().isEmpty()
                    ? null
                    : e.getPath().get(e.getPath().size() - 1).getPropertyName();
            throw ApiException.invalid(param, "invalid_type", "Invalid type for '" + param + "'.");
        } catch (JacksonException e) {
            throw ApiException.invalid(null, "invalid_json", "The request body could not be read.");
        }
    }

    private <T> T validate(T value) {
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            ConstraintViolation<T> v = violations.iterator().next();
            String param = snake(v.getPropertyPath().toString());
            throw ApiException.invalid(param, "invalid_value", "Invalid '" + param + "': " + v.getMessage() + ".");
        }
        return value;
    }

    private static String snake(String path) {
        return path.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase();
    }

    static Mono<ServerResponse> ok(Object body) {
        return respond(HttpStatus.OK, body);
    }

    static Mono<ServerResponse> created(Object body) {
        return respond(HttpStatus.CREATED, body);
    }

    static Mono<ServerResponse> list(List<?> data) {
        return ok(Map.of("object", "list", "data", data));
    }

    private static Mono<ServerResponse> respond(HttpStatus status, Object body) {
        return ServerResponse.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(MAPPER.writeValueAsBytes(body));
    }
}
