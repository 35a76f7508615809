package io.modelgateway.billing.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.billing.TestDatabase;
import io.modelgateway.billing.usage.UsageRecord;
import io.modelgateway.billing.usage.UsageStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The ledger's rules, run on PostgreSQL ({@link LedgerIT}) and on H2 in PostgreSQL mode ({@link LedgerH2Test}). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LedgerContract {

    static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    TestDatabase db;
    Ledger ledger;
    UsageStore usage;

    abstract TestDatabase database();

    @BeforeAll
    void open() {
        db = database();
        ledger = new Ledger(db.dataSource, "usd");
        usage = new UsageStore(db.dataSource);
    }

    @AfterAll
    void close() {
        db.close();
    }

    static UsageRecord record(String id, String tenant, long cost, Instant at) {
        return new UsageRecord(
                id,
                tenant,
                "key_1",
                "echo",
                "echo",
                "chat",
                10,
                0,
                5,
                false,
                cost,
                1,
                "completed",
                200,
                at,
                at,
                at.plusMillis(20));
    }

    @Test
    void aRetriedTopUpIsBookedOnce() throws Exception {
        Posted first = ledger.post(Posting.topUp("t-topup", 5_000_000, "idem-1", "card"), NOW);
        Posted again = ledger.post(Posting.topUp("t-topup", 5_000_000, "idem-1", "card"), NOW.plusSeconds(1));
        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.entry().id()).isEqualTo(first.entry().id());
        assertThat(ledger.balance("t-topup").balance()).isEqualTo(5_000_000);
        // the same key on another tenant is another top-up
        assertThat(ledger.post(Posting.topUp("t-other", 1, "idem-1", null), NOW).created())
                .isTrue();
    }

    @Test
    void concurrentTopUpsWithOneKeyBookOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Posted>> posts = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                posts.add(() -> ledger.post(Posting.topUp("t-race", 1_000_000, "same-key", null), NOW));
            }
            long created = 0;
            for (Future<Posted> f : pool.invokeAll(posts)) {
                created += f.get().created() ? 1 : 0;
            }
            assertThat(created).isEqualTo(1);
            assertThat(ledger.balance("t-race").balance()).isEqualTo(1_000_000);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void theBalanceIsCreditsLessRecordedUsage() throws Exception {
        ledger.post(Posting.grant("t-bal", 10_000_000, null, null, "welcome"), NOW);
        ledger.post(Posting.adjustment("t-bal", -250_000, null, "refund reversal"), NOW);
        usage.insert(
                List.of(record("r-b1", "t-bal", 1_234_567, NOW), record("r-b2", "t-bal", 1, NOW.plusSeconds(7200))));
        Balance b = ledger.balance("t-bal");
        assertThat(b.account()).isTrue();
        assertThat(b.credits()).isEqualTo(9_750_000);
        assertThat(b.usage()).isEqualTo(1_234_568);
        assertThat(b.balance()).isEqualTo(9_750_000 - 1_234_568);
        assertThat(ledger.balance("t-none").account()).isFalse();
        assertThat(ledger.entries("t-bal", 10))
                .extracting(CreditEntry::kind)
                .containsExactly(EntryKind.ADJUSTMENT, EntryKind.GRANT);
    }

    @Test
    void anExpiredGrantTakesBackWhatIsLeftOfIt() throws Exception {
        Instant expiry = NOW.plusSeconds(86_400);
        CreditEntry grant = ledger.post(Posting.grant("t-exp", 3_000_000, null, expiry, "trial"), NOW)
                .entry();
        ledger.post(Posting.topUp("t-exp", 2_000_000, "k", null), NOW);
        // 1.5 spent: drawn from the grant first (it expires first), so 1.5 of it is left at expiry
        usage.insert(List.of(record("r-e1", "t-exp", 1_500_000, NOW.plusSeconds(60))));
        assertThat(ledger.expireDue(expiry.minusSeconds(1))).isEmpty();
        List<CreditEntry> expired = ledger.expireDue(expiry);
        assertThat(expired).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(EntryKind.EXPIRY);
            assertThat(e.amountMicros()).isEqualTo(-1_500_000);
            assertThat(e.refersTo()).isEqualTo(grant.id());
        });
        assertThat(ledger.balance("t-exp").balance()).isEqualTo(2_000_000);
        assertThat(ledger.expireDue(expiry.plusSeconds(10))).isEmpty(); // once per grant
    }

    @Test
    void storedUsageIsNotStoredTwiceAndRollsUp() throws Exception {
        Instant t = Instant.parse("2026-03-02T13:59:59Z");
        assertThat(usage.insert(
                        List.of(record("r-u1", "t-use", 100, t), record("r-u2", "t-use", 200, t.plusSeconds(1)))))
                .isEqualTo(2);
        assertThat(usage.insert(List.of(
                        record("r-u1", "t-use", 100, t),
                        record("r-u3", "t-use", 300, t),
                        record("r-u3", "t-use", 300, t))))
                .isEqualTo(1);
        assertThat(usage.count("t-use")).isEqualTo(3);
        assertThat(ledger.balance("t-use").usage()).isEqualTo(600);
        try (var c = db.dataSource.getConnection();
                var s = c.createStatement();
                var rs = s.executeQuery("SELECT COUNT(*), SUM(requests), SUM(cost_micros) FROM usage_hourly "
                        + "WHERE tenant_id = 't-use'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(2); // 13:00 and 14:00
            assertThat(rs.getLong(2)).isEqualTo(3);
            assertThat(rs.getLong(3)).isEqualTo(600);
        }
    }
}
