package io.modelgateway.gateway.error;

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

    private ApiException(HttpStatus status, String type, String param, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
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
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request_error", param, "unsupported_parameter", message);
    }

    public static ApiException modelNotFound(String model) {
        return new ApiException(HttpStatus.NOT_FOUND, "invalid_request_error", "model", "model_not_found",
                "The model `" + model + "` does not exist or you do not have access to it.");
    }

    public static ApiException missingKey() {
        return new ApiException(HttpStatus.UNAUTHORIZED, "invalid_request_error", null, "missing_api_key",
                "You didn't provide an API key. Send it as 'Authorization: Bearer YOUR_KEY' or in the 'api-key' header.");
    }

    public static ApiException invalidKey() {
        return new ApiException(HttpStatus.UNAUTHORIZED, "invalid_request_error", null, "invalid_api_key",
                "Incorrect API key provided.");
    }

    public static ApiException tooLarge(long limit) {
        return new ApiException(HttpStatus.PAYLOAD_TOO_LARGE, "invalid_request_error", null, "request_too_large",
                "Request body is larger than the limit of " + limit + " bytes.");
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
