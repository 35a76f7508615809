package io.modelgateway.billing.usage;

import io.modelgateway.billing.TestDatabase;

/** Dead letters on the real PostgreSQL (the COPY path). */
class DeadLetterIT extends DeadLetterContract {

    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
