package io.modelgateway.inference.internal;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Typed reads of sampling parameter values (JSON-ish: numbers, numeric strings, strings, lists). */
final class SamplingValues {

    private SamplingValues() {}

    static double number(String key, Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("'" + key + "' must be a number, got " + value);
    }

    /** A string or a list of strings (OpenAI's {@code stop}). */
    static List<String> strings(String key, Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new IllegalArgumentException("'" + key + "' must be a string or a list of strings, got " + value);
    }

    static ByteString uint64(long value) {
        return ByteString.copyFrom(ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(value)
                .flip());
    }
}
