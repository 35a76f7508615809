package io.modelgateway.gateway.console.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** A query string built from parameters, each value URL-encoded; blank values are left out. */
final class Query {

    private final StringBuilder b;

    private Query(String path) {
        this.b = new StringBuilder(path);
    }

    static Query of(String path) {
        return new Query(path);
    }

    Query with(String name, Object value) {
        if (value == null || value.toString().isBlank()) {
            return this;
        }
        b.append(b.indexOf("?") < 0 ? '?' : '&')
                .append(name)
                .append('=')
                .append(URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
        return this;
    }

    static String path(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return b.toString();
    }
}
