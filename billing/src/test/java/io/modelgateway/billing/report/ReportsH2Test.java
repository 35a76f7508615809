package io.modelgateway.billing.report;

import io.modelgateway.billing.TestDatabase;

/** The finance reports on H2 in PostgreSQL mode (the embedded default). */
class ReportsH2Test extends ReportsContract {

    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}
