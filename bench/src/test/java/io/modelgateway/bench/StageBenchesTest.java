package io.modelgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.policy.ContentRules;
import io.modelgateway.gateway.policy.RuleTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JMH stage benchmarks run their calls through the gateway's real stages (built by the gateway's bench
 * fixtures) on each store, against the local PostgreSQL and Redis: what they time is a call that was admitted,
 * charged and recorded, not one refused or lost on the way.
 */
class StageBenchesTest {

    private static final int CALLS = 20;
    /** 40 prompt tokens at 2.50 per 1M (100 micro-units) and 12 answer tokens at 10.00 per 1M (120). */
    private static final long COST_PER_CALL = 220;

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis"})
    void everyBillingBenchCallIsHeldChargedAndRecordedOnce(String store) throws Exception {
        BillingBench bench = new BillingBench();
        bench.store = store;
        bench.start();
        try {
            for (int i = 0; i < CALLS; i++) {
                bench.holdAndUsageRecord();
            }
            bench.billing.writer().awaitStored(Duration.ofSeconds(30));
            try (Connection c = bench.db.dataSource.getConnection();
                    ResultSet r =
                            c.createStatement().executeQuery("SELECT count(*), sum(cost_micros) FROM usage_record")) {
                r.next();
                assertThat(r.getLong(1)).isEqualTo(CALLS);
                assertThat(r.getLong(2)).isEqualTo(CALLS * COST_PER_CALL);
            }
        } finally {
            bench.stop();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis"})
    void theQuotaBenchAdmitsItsCallsThroughTheRealStage(String store) throws Exception {
        QuotaBench bench = new QuotaBench();
        bench.store = store;
        bench.start();
        try {
            // a refusal (429) or a store failure would throw out of the stage's admission
            for (int i = 0; i < CALLS; i++) {
                bench.quota();
            }
        } finally {
            bench.stop();
        }
    }

    @Test
    void thePolicyBenchStreamsWhatTheWholeAnswersRedactionWouldSend() {
        PolicyBench bench = new PolicyBench();
        bench.compile();
        // the answer holds numbers that a phone rule may redact: the oracle is the whole text's redaction
        String answer = String.join("", bench.cleanAnswer);
        String redacted = ContentRules.redact(answer, bench.rules.scan(answer, RuleTarget.COMPLETION));
        assertThat(redacted).isNotEqualTo(answer);
        assertThat(bench.answerFilter()).isEqualTo(redacted.length());
    }
}
