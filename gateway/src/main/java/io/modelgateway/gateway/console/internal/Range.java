package io.modelgateway.gateway.console.internal;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import org.springframework.web.reactive.function.server.ServerRequest;

/**
 * A range of whole UTC days from the page's {@code from} and {@code to} (inclusive), by default the last
 * seven days; at most {@link #MAX_DAYS} days (one page of daily buckets).
 */
record Range(LocalDate from, LocalDate to, String problem) {

    static final int MAX_DAYS = 31;

    static Range of(ServerRequest req, Clock clock) {
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        try {
            LocalDate to = req.queryParam("to")
                    .filter(v -> !v.isBlank())
                    .map(LocalDate::parse)
                    .orElse(today);
            LocalDate from = req.queryParam("from")
                    .filter(v -> !v.isBlank())
                    .map(LocalDate::parse)
                    .orElse(to.minusDays(6));
            if (from.isAfter(to)) {
                return new Range(to.minusDays(6), to, "'From' is after 'to': showing the seven days up to 'to'.");
            }
            if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
                return new Range(
                        to.minusDays(MAX_DAYS - 1),
                        to,
                        "At most " + MAX_DAYS + " days at a time: showing the last " + MAX_DAYS + ".");
            }
            return new Range(from, to, null);
        } catch (DateTimeParseException e) {
            return new Range(today.minusDays(6), today, "Dates are YYYY-MM-DD: showing the last seven days.");
        }
    }

    long start() {
        return from.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    long end() {
        return to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    int days() {
        return (int) ChronoUnit.DAYS.between(from, to) + 1;
    }

    String inputs() {
        return "<div class=\"field\"><label for=\"from\">From</label><input id=\"from\" name=\"from\" type=\"date\" value=\""
                + from
                + "\"></div><div class=\"field\"><label for=\"to\">To</label><input id=\"to\" name=\"to\" type=\"date\" value=\""
                + to + "\"></div>";
    }
}
