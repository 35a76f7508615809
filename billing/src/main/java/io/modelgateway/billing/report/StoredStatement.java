package io.modelgateway.billing.report;

import java.time.Instant;
import java.time.YearMonth;

/**
 * A closed statement as stored: the exact bytes sent, never changed.
 *
 * @param creditsThroughMicros all credit entries posted before the month's end, as known at closing
 * @param usageThroughMicros all usage charged before the month's end, as known at closing
 */
public record StoredStatement(
        String tenant,
        YearMonth period,
        Instant closedAt,
        long creditsThroughMicros,
        long usageThroughMicros,
        byte[] json,
        byte[] csv) {

    /** The closing balance the statement stated, exactly. */
    public long closingMicros() {
        return creditsThroughMicros - usageThroughMicros;
    }
}
