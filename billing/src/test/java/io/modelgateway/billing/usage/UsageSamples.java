package io.modelgateway.billing.usage;

import java.time.Instant;
import java.util.List;

/**
 * Usage records that exercise every column's encodings: text needing escapes in each format (tab, newline,
 * carriage return, backslash, quote, comma), non-ASCII and a supplementary character, a missing first-token
 * time, nanoseconds, extreme numbers. The format tests hold bytes of these records written by earlier code.
 */
public final class UsageSamples {

    private UsageSamples() {}

    public static List<UsageRecord> all() {
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        return List.of(
                new UsageRecord(
                        "req-1",
                        "acme",
                        "key_1",
                        "gpt-small",
                        "echo",
                        "chat",
                        120,
                        20,
                        80,
                        false,
                        1234,
                        1,
                        "completed",
                        200,
                        t,
                        t.plusMillis(40),
                        t.plusMillis(300)),
                new UsageRecord(
                        "req-2\t\"quoted\"",
                        "t\u00fcnant, \u65e5\u672c",
                        "sub|\\back\\slash",
                        "dep\nline",
                        "model\r\n\ud83d\ude00",
                        "embeddings",
                        0,
                        0,
                        0,
                        true,
                        0,
                        0,
                        "cut_short",
                        499,
                        t.plusNanos(123_456_789),
                        null,
                        t.plusSeconds(3).plusNanos(1)),
                new UsageRecord(
                        "req-3",
                        "",
                        "\u0001ctl\u001f",
                        "d",
                        "m",
                        "chat",
                        Integer.MAX_VALUE,
                        Integer.MIN_VALUE,
                        -1,
                        true,
                        Long.MAX_VALUE,
                        Long.MIN_VALUE,
                        "filtered",
                        400,
                        Instant.EPOCH,
                        Instant.parse("1999-12-31T23:59:59.999999999Z"),
                        Instant.parse("2100-01-01T00:00:00Z")));
    }
}
