package io.modelgateway.billing.report;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A report's bucket width, as OpenAI's Usage API names them, with its default and largest page size
 * (buckets per page) and where its numbers come from: {@code 1d} and {@code 1h} read the rollups,
 * {@code 1m} the usage records of the range (index on start time).
 */
public enum BucketWidth {
    MINUTE("1m", Duration.ofMinutes(1), 60, 1440),
    HOUR("1h", Duration.ofHours(1), 24, 168),
    DAY("1d", Duration.ofDays(1), 7, 31);

    private final String value;
    private final Duration length;
    private final int defaultLimit;
    private final int maxLimit;

    BucketWidth(String value, Duration length, int defaultLimit, int maxLimit) {
        this.value = value;
        this.length = length;
        this.defaultLimit = defaultLimit;
        this.maxLimit = maxLimit;
    }

    public String value() {
        return value;
    }

    public long seconds() {
        return length.toSeconds();
    }

    public int defaultLimit() {
        return defaultLimit;
    }

    public int maxLimit() {
        return maxLimit;
    }

    /** The start of the bucket holding {@code t} (UTC). */
    public Instant floor(Instant t) {
        long s = t.getEpochSecond();
        return Instant.ofEpochSecond(Math.floorDiv(s, seconds()) * seconds());
    }

    /** The first bucket start at or after {@code t}. */
    public Instant ceil(Instant t) {
        Instant f = floor(t);
        return f.equals(t) ? f : f.plusSeconds(seconds());
    }

    public static Optional<BucketWidth> parse(String value) {
        for (BucketWidth w : values()) {
            if (w.value.equals(value)) {
                return Optional.of(w);
            }
        }
        return Optional.empty();
    }
}
