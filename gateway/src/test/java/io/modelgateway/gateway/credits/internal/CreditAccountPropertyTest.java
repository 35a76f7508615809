package io.modelgateway.gateway.credits.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.billing.ledger.CreditEntry;
import io.modelgateway.billing.ledger.Posting;
import io.modelgateway.gateway.Replicas;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * A credit account is exact: random sequences of holds, captures (at, below and above the hold), releases,
 * cancellations, retried captures, lowered holds, holds outliving their deadline, top-ups, grants, expiries
 * and adjustments (negative too), posted through the real ledger (H2) — after every step, seen through every
 * replica, {@code available = ledger balance - open holds}, and no hold is admitted beyond what was
 * available. Once for two replicas sharing the real Redis (two account stores, two Lettuce clients, keys of
 * a tenant unique to each try), once for the in-memory accounts of the embedded default.
 */
class CreditAccountPropertyTest {

    private static final String RUN =
            UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private static final Duration HOLD_TIMEOUT = Duration.ofMinutes(10);
    private static final TestLedger LEDGER = new TestLedger();
    private static final Map<String, CreditAccounts> STORES = new HashMap<>();

    sealed interface Step permits Hold, Capture, Release, Cancel, Retry, Resize, TopUp, Grant, Adjust, Expire, Later {
        int replica();
    }

    /** A hold of at most {@code most}, refused below {@code leastPercent} of it. */
    record Hold(int replica, long most, int leastPercent) implements Step {}

    /** Ends an open hold with a cost: 0 = at the hold, 1 = below it, 2 = above it. */
    record Capture(int replica, int pick, int mode, long extra) implements Step {}

    record Release(int replica, int pick) implements Step {}

    /** A call abandoned while its hold is taken: the release may reach the account before the hold. */
    record Cancel(int replica, boolean releaseFirst) implements Step {}

    /** A capture sent again (a retry after a lost answer): changes nothing. */
    record Retry(int replica, int pick) implements Step {}

    record Resize(int replica, int pick, int percent) implements Step {}

    record TopUp(int replica, long amount) implements Step {}

    record Grant(int replica, long amount, boolean expiring) implements Step {}

    record Adjust(int replica, long amount) implements Step {}

    /** Every expiring grant expires (what is left of it is taken back). */
    record Expire(int replica) implements Step {}

    /** Time passes: holds older than their deadline are released by the account. */
    record Later(int minutes) implements Step {
        @Override
        public int replica() {
            return 0;
        }
    }

    @Property(tries = 60)
    void onTwoReplicasSharingRedisAvailableIsTheLedgerLessOpenHolds(@ForAll("steps") List<Step> steps)
            throws Exception {
        run(List.of(store("redis-a"), store("redis-b")), steps);
    }

    @Property(tries = 60)
    void inMemoryAvailableIsTheLedgerLessOpenHolds(@ForAll("steps") List<Step> steps) throws Exception {
        run(List.of(store("memory")), steps);
    }

    @AfterContainer
    static void close() {
        STORES.values().forEach(CreditAccounts::close);
        LEDGER.close();
    }

    private static synchronized CreditAccounts store(String name) {
        return STORES.computeIfAbsent(name, n -> {
            java.util.function.Function<String, CompletableFuture<Long>> initial = tenant -> {
                try {
                    return CompletableFuture.completedFuture(LEDGER.balance(tenant));
                } catch (SQLException e) {
                    return CompletableFuture.failedFuture(e);
                }
            };
            if (n.equals("memory")) {
                return new LocalCreditAccounts(initial, LEDGER.clock, Duration.ofHours(1));
            }
            Replicas.requireRedis();
            return new RedisCreditAccounts(
                    Replicas.REDIS,
                    "mgw-credit-prop:" + RUN + ":",
                    initial,
                    LEDGER.clock,
                    Duration.ofSeconds(2),
                    Duration.ofHours(1),
                    Duration.ofMillis(100));
        });
    }

    /** What the accounts must show: the open holds (id, amount, deadline, epoch) and the settled ids. */
    private static final class Model {
        final Map<String, long[]> open = new HashMap<>();
        /** Holds the account released at their deadline whose call has not ended yet. */
        final Map<String, long[]> lapsed = new HashMap<>();

        final Map<String, long[]> ended = new HashMap<>();
        final Set<String> settled = new HashSet<>();
        final List<String> ids = new ArrayList<>();

        long held() {
            return open.values().stream().mapToLong(h -> h[0]).sum();
        }

        void expire(long now) {
            open.entrySet().removeIf(e -> {
                if (e.getValue()[1] <= now) {
                    lapsed.put(e.getKey(), e.getValue());
                    return true;
                }
                return false;
            });
        }

        String pick(int pick) {
            List<String> live = ids.stream().filter(open::containsKey).toList();
            return live.isEmpty() ? null : live.get(Math.floorMod(pick, live.size()));
        }

        /** An open or a lapsed hold: its call ends now. */
        String pickEnding(int pick) {
            List<String> live = ids.stream()
                    .filter(id -> open.containsKey(id) || lapsed.containsKey(id))
                    .toList();
            return live.isEmpty() ? null : live.get(Math.floorMod(pick, live.size()));
        }

        long[] end(String id) {
            long[] h = open.remove(id);
            return h != null ? h : lapsed.remove(id);
        }
    }

    private static void run(List<CreditAccounts> replicas, List<Step> steps) throws Exception {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 12);
        LEDGER.post(Posting.grant(tenant, 1_000_000, null, null, "opening"));
        Model model = new Model();
        int n = 0;
        for (CreditAccounts r : replicas) {
            r.read(tenant).join(); // built from the ledger
        }
        for (Step step : steps) {
            CreditAccounts at = replicas.get(Math.floorMod(replicaOf(step), replicas.size()));
            apply(at, tenant, step, model, tenant + "-c" + n++);
            model.expire(LEDGER.millis.get());
            long expected = LEDGER.balance(tenant) - model.held();
            for (CreditAccounts r : replicas) {
                CreditAccounts.Snapshot s = r.read(tenant).join();
                assertThat(s.held()).as("held after %s", step).isEqualTo(model.held());
                assertThat(s.available())
                        .as("available = ledger - open holds after %s", step)
                        .isEqualTo(expected);
            }
        }
    }

    private static void apply(CreditAccounts at, String tenant, Step step, Model model, String newId) throws Exception {
        long now = LEDGER.millis.get();
        if (step instanceof Hold h) {
            long available = LEDGER.balance(tenant) - model.held();
            long least = h.most() * h.leastPercent() / 100;
            CreditAccounts.Taken t = at.hold(
                            tenant,
                            newId,
                            h.most(),
                            least,
                            Instant.ofEpochMilli(now).plus(HOLD_TIMEOUT))
                    .join();
            long fits = Math.min(h.most(), Math.max(available, 0));
            if (fits < least) {
                assertThat(t.refused())
                        .as("refused: %d available, at least %d needed", available, least)
                        .isTrue();
            } else {
                assertThat(t.amount())
                        .as("held of %d available", available)
                        .isEqualTo(fits)
                        .isLessThanOrEqualTo(Math.max(available, 0));
                model.open.put(newId, new long[] {t.amount(), now + HOLD_TIMEOUT.toMillis(), t.epoch()});
                model.ids.add(newId);
            }
        } else if (step instanceof Capture c) {
            String id = model.pickEnding(c.pick());
            if (id == null) {
                return;
            }
            long[] hold = model.end(id); // a lapsed hold's cost is debited all the same
            long cost = switch (c.mode()) {
                case 0 -> hold[0];
                case 1 -> hold[0] / 2;
                default -> hold[0] + c.extra();
            };
            at.capture(tenant, id, hold[2], cost).join();
            LEDGER.spend(tenant, id, cost);
            model.settled.add(id);
            model.ended.put(id, new long[] {hold[0], hold[1], hold[2], cost});
        } else if (step instanceof Release r) {
            String id = model.pickEnding(r.pick());
            if (id != null) {
                long[] hold = model.end(id);
                at.capture(tenant, id, hold[2], 0).join();
                model.settled.add(id);
                model.ended.put(id, new long[] {hold[0], hold[1], hold[2], 0});
            }
        } else if (step instanceof Cancel c) {
            if (c.releaseFirst()) { // the release overtook the hold: the hold must not be taken
                at.capture(tenant, newId, CreditAccounts.ANY_EPOCH, 0).join();
                CreditAccounts.Taken t = at.hold(
                                tenant,
                                newId,
                                1000,
                                0,
                                Instant.ofEpochMilli(now).plus(HOLD_TIMEOUT))
                        .join();
                assertThat(t.refused())
                        .as("a hold whose call was released already")
                        .isTrue();
            } else {
                String id = model.pickEnding(newId.hashCode());
                if (id != null) {
                    model.end(id);
                    at.capture(tenant, id, CreditAccounts.ANY_EPOCH, 0).join();
                    model.settled.add(id);
                }
            }
        } else if (step instanceof Retry r) {
            if (model.ended.isEmpty()) {
                return;
            }
            List<String> ended = new ArrayList<>(model.ended.keySet());
            String id = ended.get(Math.floorMod(r.pick(), ended.size()));
            long[] e = model.ended.get(id);
            at.capture(tenant, id, e[2], e[3]).join(); // the usage is in the ledger once already
        } else if (step instanceof Resize r) {
            String id = model.pick(r.pick());
            if (id != null) {
                long[] hold = model.open.get(id);
                long lower = hold[0] * r.percent() / 100;
                at.resize(tenant, id, lower).join();
                hold[0] = lower;
            }
        } else if (step instanceof TopUp t) {
            post(at, Posting.topUp(tenant, t.amount(), newId, "top-up"));
        } else if (step instanceof Grant g) {
            post(
                    at,
                    Posting.grant(
                            tenant,
                            g.amount(),
                            null,
                            g.expiring() ? Instant.ofEpochMilli(now).plus(Duration.ofDays(1)) : null,
                            "grant"));
        } else if (step instanceof Adjust a) {
            post(at, Posting.adjustment(tenant, a.amount(), null, "adjustment"));
        } else if (step instanceof Expire e) {
            for (CreditEntry expiry :
                    LEDGER.ledger.expireDue(Instant.ofEpochMilli(now).plus(Duration.ofDays(2)))) {
                if (expiry.tenant().equals(tenant)) {
                    at.post(tenant, "entry:" + expiry.id(), expiry.amountMicros())
                            .join();
                }
            }
        } else if (step instanceof Later l) {
            LEDGER.millis.addAndGet(Duration.ofMinutes(l.minutes()).toMillis());
        }
    }

    /** A ledger entry, then the account hears of it (twice: a retried post applies once). */
    private static void post(CreditAccounts at, Posting p) throws SQLException {
        CreditEntry e = LEDGER.post(p);
        at.post(p.tenant(), "entry:" + e.id(), e.amountMicros()).join();
        at.post(p.tenant(), "entry:" + e.id(), e.amountMicros()).join();
    }

    private static int replicaOf(Step step) {
        return step.replica();
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Integer> replica = Arbitraries.integers().between(0, 1);
        Arbitrary<Long> money = Arbitraries.longs().between(0, 600_000);
        Arbitrary<Long> positive = Arbitraries.longs().between(1, 500_000);
        Arbitrary<Integer> pick = Arbitraries.integers().between(0, 1000);
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(
                        6,
                        Combinators.combine(
                                        replica, money, Arbitraries.integers().between(0, 100))
                                .as(Hold::new)),
                net.jqwik.api.Tuple.of(
                        4,
                        Combinators.combine(
                                        replica,
                                        pick,
                                        Arbitraries.integers().between(0, 2),
                                        Arbitraries.longs().between(1, 300_000))
                                .as(Capture::new)),
                net.jqwik.api.Tuple.of(2, Combinators.combine(replica, pick).as(Release::new)),
                net.jqwik.api.Tuple.of(
                        1,
                        Combinators.combine(replica, Arbitraries.of(true, false))
                                .as(Cancel::new)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(replica, pick).as(Retry::new)),
                net.jqwik.api.Tuple.of(
                        1,
                        Combinators.combine(
                                        replica, pick, Arbitraries.integers().between(0, 100))
                                .as(Resize::new)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(replica, positive).as(TopUp::new)),
                net.jqwik.api.Tuple.of(
                        1,
                        Combinators.combine(replica, positive, Arbitraries.of(true, false))
                                .as(Grant::new)),
                net.jqwik.api.Tuple.of(
                        2,
                        Combinators.combine(replica, Arbitraries.longs().between(-900_000, 300_000))
                                .as(Adjust::new)),
                net.jqwik.api.Tuple.of(1, replica.map(Expire::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 12).map(Later::new)));
        return step.list().ofMinSize(1).ofMaxSize(40);
    }
}
