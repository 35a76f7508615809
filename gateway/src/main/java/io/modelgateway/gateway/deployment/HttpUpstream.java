package io.modelgateway.gateway.deployment;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * An OpenAI-compatible HTTP server a deployment is proxied to (through Spring Cloud Gateway's routing).
 *
 * @param backend the name of its {@code gateway.backends} entry (the route id)
 * @param baseUrl its OpenAI base URL, e.g. {@code http://vllm:8000/v1}; paths are appended to it
 * @param apiKey sent as {@code Authorization: Bearer}; blank for none
 * @param responseTimeout longest wait for the response headers
 * @param idleTimeout longest silence between two pieces of a streamed answer
 */
public record HttpUpstream(String backend, URI baseUrl, String apiKey, Duration responseTimeout, Duration idleTimeout) {

    public HttpUpstream {
        Objects.requireNonNull(baseUrl, "base-url of backend '" + backend + "'");
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
            throw new IllegalArgumentException("base-url of backend '" + backend + "' must be http(s): " + baseUrl);
        }
        apiKey = apiKey == null ? "" : apiKey;
    }

    /** The upstream path of an OpenAI operation, e.g. {@code /v1/chat/completions} for {@code chat/completions}. */
    public String path(String operation) {
        String base = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        return (base.endsWith("/") ? base : base + "/") + operation;
    }
}
