package io.modelgateway.billing.report;

import java.time.Instant;
import java.util.List;

/**
 * What reconciliation checked and every difference found (at most {@link Reconciliation#MAX_LISTED}
 * listed; {@code differencesFound} counts them all).
 */
public record ReconciliationReport(
        Instant start,
        Instant end,
        long recordsChecked,
        long rollupsChecked,
        long tenantsChecked,
        long differencesFound,
        List<Difference> differences) {

    public ReconciliationReport {
        differences = List.copyOf(differences);
    }

    public boolean clean() {
        return differencesFound == 0;
    }
}
