package io.modelgateway.gateway.edge.json;

import io.modelgateway.gateway.edge.error.ApiException;
import java.time.Instant;
import java.util.Iterator;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Typed reads of request fields; every mismatch is a 400 naming the parameter. */
public final class Fields {

    /** The last second of year 9999: the latest Unix time any request may name (every database holds it). */
    public static final long MAX_EPOCH_SECOND = 253_402_300_799L;

    private Fields() {}

    /** Unix seconds in [0, {@link #MAX_EPOCH_SECOND}] as an instant; any other value is a 400 naming {@code param}. */
    public static Instant epochSecond(String param, long seconds) {
        if (seconds < 0 || seconds > MAX_EPOCH_SECOND) {
            throw ApiException.invalid(
                    param,
                    "invalid_value",
                    "'" + param + "' must be Unix seconds between 0 and " + MAX_EPOCH_SECOND + ".");
        }
        return Instant.ofEpochSecond(seconds);
    }

    public static void rejectUnknown(JsonNode body, Set<String> known) {
        Iterator<String> names = body.propertyNames().iterator();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiException.invalid(
                        name, "unknown_parameter", "Unrecognized request argument supplied: " + name);
            }
        }
    }

    /** The field, or null when absent or JSON null. */
    public static @Nullable JsonNode get(JsonNode body, String name) {
        JsonNode n = body.get(name);
        return n == null || n.isNull() ? null : n;
    }

    public static @Nullable String string(JsonNode body, String name, boolean required) {
        JsonNode n = get(body, name);
        if (n == null) {
            if (required) {
                throw ApiException.invalid(
                        name, "missing_required_parameter", "Missing required parameter: '" + name + "'.");
            }
            return null;
        }
        if (!n.isString()) {
            throw typeError(name, "a string", n);
        }
        return n.asString();
    }

    public static @Nullable Boolean bool(JsonNode body, String name) {
        JsonNode n = get(body, name);
        if (n == null) {
            return null;
        }
        if (!n.isBoolean()) {
            throw typeError(name, "a boolean", n);
        }
        return n.booleanValue();
    }

    public static @Nullable Integer integer(JsonNode body, String name, long min, long max) {
        JsonNode n = get(body, name);
        if (n == null) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw typeError(name, "an integer", n);
        }
        long v = n.longValue();
        if (v < min || v > max) {
            throw ApiException.invalid(
                    name,
                    "invalid_value",
                    "Invalid '" + name + "': " + v + " is outside the allowed range [" + min + ", " + max + "].");
        }
        return (int) v;
    }

    public static @Nullable Long longValue(JsonNode body, String name) {
        JsonNode n = get(body, name);
        if (n == null) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw typeError(name, "an integer", n);
        }
        return n.longValue();
    }

    /** A number in [min, max], kept as the JSON decimal text's double (a sampling knob, not money). */
    public static @Nullable Double number(JsonNode body, String name, double min, double max) {
        JsonNode n = get(body, name);
        if (n == null) {
            return null;
        }
        if (!n.isNumber()) {
            throw typeError(name, "a number", n);
        }
        double v = n.doubleValue();
        if (!(v >= min && v <= max)) {
            throw ApiException.invalid(
                    name,
                    "invalid_value",
                    "Invalid '" + name + "': " + n + " is outside the allowed range [" + min + ", " + max + "].");
        }
        return v;
    }

    public static ApiException typeError(String name, String expected, JsonNode actual) {
        return ApiException.invalid(
                name,
                "invalid_type",
                "Invalid type for '" + name + "': expected " + expected + ", but got " + kind(actual) + ".");
    }

    private static String kind(JsonNode n) {
        if (n.isString()) {
            return "a string";
        }
        if (n.isNumber()) {
            return "a number";
        }
        if (n.isBoolean()) {
            return "a boolean";
        }
        if (n.isArray()) {
            return "an array";
        }
        if (n.isObject()) {
            return "an object";
        }
        return "null";
    }
}
