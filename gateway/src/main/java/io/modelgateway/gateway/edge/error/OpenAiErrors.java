package io.modelgateway.gateway.edge.error;

import io.modelgateway.inference.InferenceException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import tools.jackson.core.JsonGenerator;

/**
 * The one place that turns any failure into an OpenAI-shaped error
 * {@code {"error":{"message","type","param","code"}}} with its HTTP status. Used for plain responses
 * and for error events inside a stream. Never leaks a stack trace or an internal message.
 */
public final class OpenAiErrors {

    private static final Logger log = LoggerFactory.getLogger(OpenAiErrors.class);

    private OpenAiErrors() {}

    /** Classifies a failure. Unknown failures become a 500 with a generic message (and are logged). */
    public static ApiException classify(Throwable t) {
        if (t instanceof ApiException a) {
            return a;
        }
        if (t instanceof InferenceException e) {
            return fromBackend(e);
        }
        if (t instanceof AuthenticationServiceException) {
            // The identity provider (JWKS endpoint) could not be reached: not the caller's fault.
            log.warn("bearer token could not be validated: {}", t.getMessage());
            return ApiException.of(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "server_error",
                    null,
                    "auth_unavailable",
                    "The bearer token could not be validated right now. Please retry.");
        }
        if (connectionRefused(t)) {
            // An HTTP upstream that cannot be reached (connection refused, unknown host, connect timeout).
            return ApiException.of(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "server_error",
                    null,
                    "backend_unavailable",
                    "The model backend is unavailable. Please retry.");
        }
        if (requestReadTimedOut(t)) {
            // The client sent its body too slowly (gateway.http.*); the server closes the connection too.
            return refusedByServer(408);
        }
        if (t instanceof TimeoutException) {
            return ApiException.of(
                    HttpStatus.GATEWAY_TIMEOUT,
                    "server_error",
                    null,
                    "backend_timeout",
                    "The model backend did not answer in time.");
        }
        if (t instanceof DataBufferLimitException) {
            return ApiException.of(
                    HttpStatus.PAYLOAD_TOO_LARGE,
                    "invalid_request_error",
                    null,
                    "request_too_large",
                    "Request body is too large.");
        }
        if (t instanceof MethodNotAllowedException m) {
            return ApiException.of(
                    HttpStatus.METHOD_NOT_ALLOWED,
                    "invalid_request_error",
                    null,
                    "method_not_allowed",
                    "Method " + m.getHttpMethod() + " is not allowed on this path.");
        }
        if (t instanceof InvalidMediaTypeException) {
            return ApiException.of(
                    HttpStatus.BAD_REQUEST,
                    "invalid_request_error",
                    null,
                    "invalid_header",
                    "A media type header of the request is not valid.");
        }
        if (t instanceof ServerExchangeRejectedException) {
            return ApiException.of(
                    HttpStatus.BAD_REQUEST,
                    "invalid_request_error",
                    null,
                    "request_rejected",
                    "The request was rejected: its path or headers are not allowed.");
        }
        if (t instanceof UnsupportedMediaTypeStatusException) {
            return ApiException.of(
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "invalid_request_error",
                    null,
                    "unsupported_media_type",
                    "Content-Type must be application/json.");
        }
        if (t instanceof ServerWebInputException) {
            return ApiException.invalid(null, "The request could not be read.");
        }
        if (t instanceof ResponseStatusException r) {
            return fromStatus(r.getStatusCode());
        }
        log.error("unexpected failure", t);
        return ApiException.of(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "server_error",
                null,
                "internal_error",
                "The server had an error while processing your request.");
    }

    /** Reactor Netty's timeouts for reading a request body (its request timeout's class is not public). */
    private static boolean requestReadTimedOut(Throwable t) {
        return t instanceof ReadTimeoutException
                || t.getClass().getName().equals("reactor.netty.http.server.RequestTimeoutException");
    }

    private static boolean connectionRefused(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.net.ConnectException
                    || c instanceof java.net.UnknownHostException
                    || c instanceof java.net.NoRouteToHostException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The error for a request the HTTP server refused before any handler saw it (it could not be parsed, its
     * head was too large, or it did not arrive in time).
     */
    public static ApiException refusedByServer(int status) {
        return switch (status) {
            case 408 ->
                ApiException.of(
                        HttpStatus.REQUEST_TIMEOUT,
                        "invalid_request_error",
                        null,
                        "request_timeout",
                        "The request was not received in time.");
            case 414 ->
                ApiException.of(
                        HttpStatus.URI_TOO_LONG,
                        "invalid_request_error",
                        null,
                        "uri_too_long",
                        "The request line is too long.");
            case 431 ->
                ApiException.of(
                        HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                        "invalid_request_error",
                        null,
                        "headers_too_large",
                        "The request headers are too large.");
            case 400 ->
                ApiException.of(
                        HttpStatus.BAD_REQUEST,
                        "invalid_request_error",
                        null,
                        "malformed_request",
                        "The request is not valid HTTP (request line, headers or chunked body).");
            default -> fromStatus(HttpStatusCode.valueOf(status));
        };
    }

    private static ApiException fromStatus(HttpStatusCode status) {
        if (status.value() == 404) {
            return ApiException.of(
                    HttpStatus.NOT_FOUND,
                    "invalid_request_error",
                    null,
                    "not_found",
                    "Unknown request URL. Please check the URL and method.");
        }
        HttpStatus s = HttpStatus.resolve(status.value());
        s = s == null ? HttpStatus.INTERNAL_SERVER_ERROR : s;
        String type = s.is4xxClientError() ? "invalid_request_error" : "server_error";
        return ApiException.of(s, type, null, null, s.getReasonPhrase());
    }

    private static ApiException fromBackend(InferenceException e) {
        return switch (e.kind()) {
            case INVALID_REQUEST ->
                ApiException.invalid(
                        null, "invalid_request", "The model backend rejected the request: " + e.getMessage());
            case UNAVAILABLE, CANCELLED ->
                ApiException.of(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "server_error",
                        null,
                        "backend_unavailable",
                        "The model backend is unavailable. Please retry.");
            // Capacity, not the caller's quota: a 429 with its own code (FIELD.md: Azure's "high demand" 429).
            case OVERLOADED ->
                ApiException.of(
                        HttpStatus.TOO_MANY_REQUESTS,
                        "server_error",
                        null,
                        "backend_overloaded",
                        "The model backend is at capacity. Please retry shortly.");
            case TIMEOUT ->
                ApiException.of(
                        HttpStatus.GATEWAY_TIMEOUT,
                        "server_error",
                        null,
                        "backend_timeout",
                        "The model backend did not answer in time.");
            case MODEL_NOT_FOUND ->
                ApiException.of(
                        HttpStatus.BAD_GATEWAY,
                        "server_error",
                        null,
                        "backend_model_not_found",
                        "The model backend does not serve this deployment's model.");
            case BACKEND_ERROR ->
                ApiException.of(
                        HttpStatus.BAD_GATEWAY,
                        "server_error",
                        null,
                        "backend_error",
                        "The model backend failed to process the request.");
        };
    }

    /** Writes {@code {"error":{...}}}. */
    public static void write(JsonGenerator g, ApiException e) {
        g.writeStartObject();
        g.writeName("error");
        g.writeStartObject();
        g.writeStringProperty("message", e.getMessage());
        g.writeStringProperty("type", e.type());
        g.writeStringProperty("param", e.param());
        g.writeStringProperty("code", e.code());
        if (e.contentFilterResult() != null) {
            g.writeName("innererror");
            g.writeStartObject();
            g.writeStringProperty("code", "ResponsibleAIPolicyViolation");
            g.writeName("content_filter_result");
            g.writePOJO(e.contentFilterResult());
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeEndObject();
    }
}
