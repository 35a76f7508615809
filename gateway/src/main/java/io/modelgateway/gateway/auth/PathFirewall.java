package io.modelgateway.gateway.auth;

import io.modelgateway.gateway.edge.error.ApiException;

/**
 * Refuses request paths that different components could read differently, before anything reads them:
 * the raw path must be printable ASCII starting with {@code /}, without {@code //}, {@code \}, {@code ;}
 * (matrix parameters), {@code .} or {@code ..} segments, broken percent-escapes, or a percent-escape of
 * {@code /}, {@code \}, {@code %}, {@code ;}, {@code .}, a control character or a line or paragraph separator
 * (U+2028, U+2029: a line break to some log readers). Other escapes
 * ({@code %61dmin}) are legal: the router and the gate both match the decoded path.
 * Like Spring Security's {@code StrictServerWebExchangeFirewall} and Envoy's path normalisation, but
 * answering in OpenAI's error shape.
 */
final class PathFirewall {

    private PathFirewall() {}

    /** Why this raw (still percent-encoded) path is refused, or {@code null} if it is in normal form. */
    static String problem(String raw) {
        if (raw.isEmpty() || raw.charAt(0) != '/') {
            return "it must start with '/'";
        }
        int segmentStart = 1;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return "it contains a character that is not printable ASCII";
            }
            if (c == '\\' || c == ';') {
                return "it contains '" + c + "'";
            }
            if (c == '%') {
                String escape = escapeProblem(raw, i);
                if (escape != null) {
                    return escape;
                }
                i += 2;
            } else if (c == '/' && i > 0) {
                String segment = raw.substring(segmentStart, i);
                if (segment.isEmpty()) {
                    return "it contains '//'";
                }
                if (segment.equals(".") || segment.equals("..")) {
                    return "it contains a '" + segment + "' segment";
                }
                segmentStart = i + 1;
            }
        }
        String last = raw.substring(segmentStart);
        return last.equals(".") || last.equals("..") ? "it contains a '" + last + "' segment" : null;
    }

    private static String escapeProblem(String raw, int at) {
        int high = at + 2 < raw.length() ? Character.digit(raw.charAt(at + 1), 16) : -1;
        int low = high < 0 ? -1 : Character.digit(raw.charAt(at + 2), 16);
        if (low < 0) {
            return "it contains a '%' that starts no escape";
        }
        if (raw.regionMatches(true, at, "%E2%80%A8", 0, 9) || raw.regionMatches(true, at, "%E2%80%A9", 0, 9)) {
            return "it contains an escaped line or paragraph separator";
        }
        int decoded = high * 16 + low;
        if (decoded < 0x20 || decoded == 0x7f) {
            return "it contains an escaped control character";
        }
        if ("/\\%;.".indexOf(decoded) >= 0) {
            return "it contains an escaped '" + (char) decoded + "'";
        }
        return null;
    }

    /** 400 in OpenAI's shape. */
    static ApiException refusal(String problem) {
        return ApiException.invalid(
                null,
                "invalid_path",
                "The request path is not in normal form: " + problem
                        + ". Send the path as the API reference spells it.");
    }
}
