package io.modelgateway.gateway.quota.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/**
 * OpenAI's {@code x-ratelimit-*} headers and {@code retry-after}/{@code retry-after-ms}. Durations are
 * written as OpenAI writes them ({@code 20ms}, {@code 8.64s}, {@code 6m0s}); waits are rounded up, so a
 * client that waits as told is never early.
 */
final class RateLimitHeaders {

    static final String RETRY_AFTER_MS = "retry-after-ms";

    private RateLimitHeaders() {}

    /** The state of the binding bucket of one kind: the one with the least left. */
    record State(long limit, long remaining) {

        /** Time until the bucket is full again (greedy refill of {@code limit} per minute). */
        long nanosToReset() {
            long missing = limit - remaining;
            if (missing <= 0) {
                return 0;
            }
            return BigDecimal.valueOf(missing)
                    .multiply(BigDecimal.valueOf(QuotaBucket.PERIOD.toNanos()))
                    .divide(BigDecimal.valueOf(limit), 0, RoundingMode.CEILING)
                    .longValueExact();
        }
    }

    static void write(HttpHeaders headers, @Nullable State requests, @Nullable State tokens) {
        if (requests != null) {
            headers.set("x-ratelimit-limit-requests", Long.toString(requests.limit()));
            headers.set("x-ratelimit-remaining-requests", Long.toString(Math.max(0, requests.remaining())));
            headers.set("x-ratelimit-reset-requests", format(requests.nanosToReset()));
        }
        if (tokens != null) {
            headers.set("x-ratelimit-limit-tokens", Long.toString(tokens.limit()));
            headers.set("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, tokens.remaining())));
            headers.set("x-ratelimit-reset-tokens", format(tokens.nanosToReset()));
        }
    }

    static void retryAfter(HttpHeaders headers, long nanos) {
        long millis = ceilDiv(nanos, 1_000_000L);
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, ceilDiv(millis, 1000))));
        headers.set(RETRY_AFTER_MS, Long.toString(Math.max(1, millis)));
    }

    /** Go's duration format, as OpenAI uses: {@code 0s}, {@code 20ms}, {@code 8.64s}, {@code 6m0s}. */
    static String format(long nanos) {
        long millis = ceilDiv(nanos, 1_000_000L);
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        long minutes = millis / 60_000;
        String seconds =
                BigDecimal.valueOf(millis % 60_000, 3).stripTrailingZeros().toPlainString();
        return minutes > 0 ? minutes + "m" + seconds + "s" : seconds + "s";
    }

    static String format(Duration d) {
        return format(d.toNanos());
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
