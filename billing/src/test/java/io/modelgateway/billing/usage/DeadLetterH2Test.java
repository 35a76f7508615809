package io.modelgateway.billing.usage;

import io.modelgateway.billing.TestDatabase;

/** Dead letters on H2 in PostgreSQL mode (the embedded default). */
class DeadLetterH2Test extends DeadLetterContract {

    @Override
    TestDatabase database() {
        return TestDatabase.h2();
    }
}
