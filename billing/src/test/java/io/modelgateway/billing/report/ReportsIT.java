package io.modelgateway.billing.report;

import io.modelgateway.billing.TestDatabase;

/** The finance reports on the real PostgreSQL, in a schema of their own. */
class ReportsIT extends ReportsContract {

    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
