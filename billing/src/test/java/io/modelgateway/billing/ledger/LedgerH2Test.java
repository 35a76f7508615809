package io.modelgateway.billing.ledger;

import io.modelgateway.billing.TestDatabase;

/** The same migration and ledger on H2 in PostgreSQL mode (the embedded default). */
class LedgerH2Test extends LedgerContract {

    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}
