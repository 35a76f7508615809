package io.modelgateway.gateway.edge.error;

import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * An error the caller sees, already classified in OpenAI's terms. Stack traces are not filled in:
 * these are expected outcomes of bad input and must stay cheap on the hot path.
 */
public final class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String type;
    private final String param;
    private final String code;
    private final Map<String, Object> contentFilterResult;

    /** The code of a request a content rule blocked (Azure's). */
    public static final String CONTENT_FILTER = "content_filter";

    private ApiException(HttpStatus status, String type, String param, String code, String message) {
        this(status, type, param, code, message, null);
    }

    private ApiException(
            HttpStatus status,
            String type,
            String param,
            String code,
            String message,
            Map<String, Object> contentFilterResult) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.contentFilterResult = contentFilterResult;
    }

    public static ApiException of(HttpStatus status, String type, String param, String code, String message) {
        return new ApiException(status, type, param, code, message);
    }

    /** 400 for a request body or parameter that is wrong. */
    public static ApiException invalid(String param, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request_error", param, null, message);
    }

    /** 400 with a machine-readable code. */
    public static ApiException invalid(String param, String code, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request_error", param, code, message);
    }

    public static ApiException unsupported(String param, String message) {
        return new ApiException(
                HttpStatus.BAD_REQUEST, "invalid_request_error", param, "unsupported_parameter", message);
    }

    public static ApiException modelNotFound(String model) {
        return new ApiException(
                HttpStatus.NOT_FOUND,
                "invalid_request_error",
                "model",
                "model_not_found",
                "The model `" + shown(model) + "` does not exist or you do not have access to it.");
    }

    public static ApiException missingKey() {
        return new ApiException(
                HttpStatus.UNAUTHORIZED,
                "invalid_request_error",
                null,
                "missing_api_key",
                "You didn't provide an API key. Send it as 'Authorization: Bearer YOUR_KEY' or in the 'api-key' header.");
    }

    public static ApiException invalidKey() {
        return new ApiException(
                HttpStatus.UNAUTHORIZED,
                "invalid_request_error",
                null,
                "invalid_api_key",
                "Incorrect API key provided.");
    }

    public static ApiException revokedKey() {
        return new ApiException(
                HttpStatus.UNAUTHORIZED,
                "invalid_request_error",
                null,
                "invalid_api_key",
                "This API key has been revoked.");
    }

    public static ApiException expiredKey() {
        return new ApiException(
                HttpStatus.UNAUTHORIZED, "invalid_request_error", null, "invalid_api_key", "This API key has expired.");
    }

    /** 401 for a bearer JWT that failed validation (signature, issuer, audience, expiry); no details. */
    public static ApiException invalidToken() {
        return new ApiException(
                HttpStatus.UNAUTHORIZED,
                "invalid_request_error",
                null,
                "invalid_token",
                "The bearer token is not valid.");
    }

    /** 401 for a valid token or key whose tenant does not exist (or no longer exists). */
    public static ApiException unknownTenant() {
        return new ApiException(
                HttpStatus.UNAUTHORIZED,
                "invalid_request_error",
                null,
                "unknown_tenant",
                "The credential's tenant is not known to this gateway.");
    }

    public static ApiException tenantSuspended() {
        return new ApiException(
                HttpStatus.FORBIDDEN,
                "invalid_request_error",
                null,
                "tenant_suspended",
                "Your organization has been suspended. Please contact support.");
    }

    /** 403 for a valid credential without the scope this endpoint needs. */
    public static ApiException insufficientScope(String scope) {
        return new ApiException(
                HttpStatus.FORBIDDEN,
                "invalid_request_error",
                null,
                "insufficient_scope",
                "This credential does not have the '" + scope + "' scope needed here.");
    }

    /** 404 for an admin resource; {@code what} names the kind, never another tenant's details. */
    public static ApiException notFound(String what, String id) {
        return new ApiException(
                HttpStatus.NOT_FOUND,
                "invalid_request_error",
                null,
                "not_found",
                "No " + what + " with id '" + shown(id) + "'.");
    }

    public static ApiException conflict(String param, String message) {
        return new ApiException(HttpStatus.CONFLICT, "invalid_request_error", param, "already_exists", message);
    }

    public static ApiException tooLarge(long limit) {
        return new ApiException(
                HttpStatus.PAYLOAD_TOO_LARGE,
                "invalid_request_error",
                null,
                "request_too_large",
                "Request body is larger than the limit of " + limit + " bytes.");
    }

    /** 429 for a call over a rate limit; {@code type} is {@code requests} or {@code tokens}, as OpenAI's. */
    public static ApiException rateLimited(String type, String message) {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, type, null, "rate_limit_exceeded", message);
    }

    /** 400 for a call that needs more tokens than a whole per-minute limit: waiting would never help. */
    public static ApiException tokensExceedLimit(String param, String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request_error", param, "tokens_exceed_limit", message);
    }

    /** 503 when limits cannot be checked (the shared quota store is down and the gateway fails closed). */
    public static ApiException quotaUnavailable() {
        return new ApiException(
                HttpStatus.SERVICE_UNAVAILABLE,
                "server_error",
                null,
                "quota_unavailable",
                "Rate limits cannot be checked right now. Please retry shortly.");
    }

    /** 429 in OpenAI's shape when the tenant's credits cannot pay for even a minimal answer. */
    public static ApiException insufficientQuota() {
        return new ApiException(
                HttpStatus.TOO_MANY_REQUESTS,
                "insufficient_quota",
                null,
                "insufficient_quota",
                "You exceeded your current quota, please check your plan and billing details.");
    }

    /** 503 while usage recording cannot take another call (its queue is full). */
    public static ApiException billingUnavailable() {
        return new ApiException(
                HttpStatus.SERVICE_UNAVAILABLE,
                "server_error",
                null,
                "billing_unavailable",
                "Usage cannot be recorded right now. Please retry shortly.");
    }

    /**
     * 400 for a prompt a content rule blocked, Azure's way: code {@code content_filter} and an
     * {@code innererror} ({@code ResponsibleAIPolicyViolation}) with the {@code content_filter_result}.
     */
    public static ApiException contentFilter(String param, Map<String, Object> contentFilterResult) {
        return new ApiException(
                HttpStatus.BAD_REQUEST,
                "invalid_request_error",
                param,
                CONTENT_FILTER,
                "The response was filtered due to the prompt triggering the content management policy of this "
                        + "gateway. Please modify your prompt and retry.",
                Map.copyOf(contentFilterResult));
    }

    /** Azure's {@code innererror.content_filter_result}, or {@code null} for other errors. */
    public Map<String, Object> contentFilterResult() {
        return contentFilterResult;
    }

    /** 403 for a tenant credential asking for another tenant's finance data. */
    public static ApiException otherTenant() {
        return new ApiException(
                HttpStatus.FORBIDDEN,
                "invalid_request_error",
                null,
                "other_tenant",
                "This credential can only read its own organization's usage and statements.");
    }

    /** 409 for closing a statement period that has not ended yet. */
    public static ApiException periodNotEnded(String period) {
        return new ApiException(
                HttpStatus.CONFLICT,
                "invalid_request_error",
                "period",
                "period_not_ended",
                "The period " + period + " has not ended yet and cannot be closed.");
    }

    /** A name the caller sent, as an error repeats it: never more than 128 characters of it. */
    private static String shown(String name) {
        return name == null || name.length() <= 128 ? name : name.substring(0, 128) + "...";
    }

    public HttpStatus status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
