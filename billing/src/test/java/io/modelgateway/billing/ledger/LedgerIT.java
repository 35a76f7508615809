package io.modelgateway.billing.ledger;

import io.modelgateway.billing.TestDatabase;

/** The ledger on the real PostgreSQL, in a schema of its own. */
class LedgerIT extends LedgerContract {

    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
