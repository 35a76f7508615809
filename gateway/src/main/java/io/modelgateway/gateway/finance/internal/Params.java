package io.modelgateway.gateway.finance.internal;

import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.edge.json.Fields;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;

/** Query parameters as OpenAI's admin API takes them, and who may see which tenant. */
final class Params {

    private Params() {}

    /** A required Unix time in seconds. */
    static Instant time(ServerRequest req, String name) {
        return req.queryParam(name)
                .map(v -> parseTime(name, v))
                .orElseThrow(
                        () -> ApiException.invalid(name, "missing_required_parameter", "'" + name + "' is required."));
    }

    static Instant time(ServerRequest req, String name, Instant otherwise) {
        return req.queryParam(name).map(v -> parseTime(name, v)).orElse(otherwise);
    }

    private static Instant parseTime(String name, String v) {
        long seconds;
        try {
            seconds = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw ApiException.invalid(name, "invalid_value", "'" + name + "' must be a Unix time in seconds.");
        }
        return Fields.epochSecond(name, seconds);
    }

    static int integer(ServerRequest req, String name, int otherwise, int min, int max) {
        String v = req.queryParam(name).orElse(null);
        if (v == null) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw ApiException.invalid(
                name, "invalid_value", "'" + name + "' must be between " + min + " and " + max + ".");
    }

    /** A list parameter in any of the forms clients send: repeated, {@code name[]}, or comma-separated. */
    static List<String> list(ServerRequest req, String name) {
        List<String> values = new ArrayList<>();
        for (String key : List.of(name, name + "[]")) {
            for (String v : req.queryParams().getOrDefault(key, List.of())) {
                for (String part : v.split(",")) {
                    if (!part.isBlank()) {
                        values.add(part.trim());
                    }
                }
            }
        }
        return values;
    }

    static String token(Instant pageStart) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(Long.toString(pageStart.getEpochSecond()).getBytes(StandardCharsets.US_ASCII));
    }

    /** The page a {@code page} token names, or {@code start}. */
    static Instant page(ServerRequest req, Instant start, Instant end, long width) {
        String token = req.queryParam("page").orElse(null);
        if (token == null || token.isBlank()) {
            return start;
        }
        try {
            Instant at = Instant.ofEpochSecond(
                    Long.parseLong(new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.US_ASCII)));
            if (!at.isBefore(start)
                    && at.isBefore(end)
                    && (at.getEpochSecond() - start.getEpochSecond()) % width == 0) {
                return at;
            }
        } catch (IllegalArgumentException e) {
            // fall through
        }
        throw ApiException.invalid("page", "invalid_value", "'page' is not a page of this query.");
    }

    static boolean csv(ServerRequest req) {
        if (req.queryParam("format").map("csv"::equalsIgnoreCase).orElse(false)) {
            return true;
        }
        return req.headers().accept().stream()
                .anyMatch(t -> t.isCompatibleWith(MediaType.parseMediaType("text/csv")) && !t.isWildcardType());
    }

    static Caller caller(ServerRequest req) {
        return Caller.of(req.exchange());
    }

    /**
     * The tenants a report covers: what a platform caller asked for; a tenant caller's own tenant only (the
     * gate admitted only tenant credentials with {@code usage.read} and platform finance or admin ones).
     */
    static List<String> tenants(ServerRequest req) {
        Caller c = caller(req);
        return c.platform() ? list(req, "project_ids") : List.of(c.tenant());
    }
}
