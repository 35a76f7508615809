package io.modelgateway.gateway.credits.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.modelgateway.gateway.runtime.ScriptBatcher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accounts in Redis, shared by every replica: one hash per tenant (balance, held, epoch, version and the
 * open holds), a sorted set of the holds' deadlines and a marker per settled id, all changed by one Lua
 * script ({@code credit-account.lua}) so every operation is atomic.
 *
 * <p>Operations travel in batches ({@link ScriptBatcher}): one {@code EVALSHA} runs many operations, of any
 * tenants, in order. A hold (and a read) is urgent: it is sent at once, with the captures queued before it,
 * unless {@value #MAX_IN_FLIGHT} batches are in flight already (then with the next one, sent when one of them
 * returns). Captures, releases, resizes and postings are lazy: sent at once when nothing is in flight (an idle
 * gateway adds no delay), else with the next batch; at most {@value #MAX_BATCH} operations a batch. Under
 * load a call thus costs less than one round trip: its hold and its capture share batches with other calls'.
 *
 * <p>Every operation is bounded by {@code timeout} from its submission, as a command of its own was; while Redis
 * is unreachable batches fail at once (Lettuce
 * rejects them while disconnected), holds fail (the call gets 503 {@code billing_unavailable}), and captures,
 * releases and postings wait in a queue that is retried in order until Redis answers again (each is keyed, so
 * one that did reach Redis before its answer was lost applies once). A hold that timed out is released the
 * same way.
 */
final class RedisCreditAccounts implements CreditAccounts {

    private static final Logger log = LoggerFactory.getLogger(RedisCreditAccounts.class);
    /** The most operations in one script call. */
    static final int MAX_BATCH = 128;

    /** The most batches in flight at once; an urgent operation waits only when this many are. */
    static final int MAX_IN_FLIGHT = 2;

    /** The most queued retries sent at once when Redis answers again. */
    private static final int RETRY_CHUNK = 1024;

    private final RedisClient client;
    private final ClientResources resources;
    private final String prefix;
    private final Function<String, CompletableFuture<Long>> initial;
    private final Clock clock;
    private final Duration timeout;
    private final long settledFor;
    private final Queue<Retry> retries = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "credit-accounts");
        t.setDaemon(true);
        return t;
    });
    private final LongAdder failures = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final ScriptBatcher batcher;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile String down;
    private volatile long lastAnswer = System.nanoTime();

    /** An operation that failed, tried again until it succeeds. */
    private record Retry(String what, Supplier<CompletableFuture<?>> op, CompletableFuture<Void> done) {}

    RedisCreditAccounts(
            String redisUrl,
            String prefix,
            Function<String, CompletableFuture<Long>> initial,
            Clock clock,
            Duration timeout,
            Duration settledFor,
            Duration retryEvery) {
        this.prefix = prefix;
        this.initial = initial;
        this.clock = clock;
        this.timeout = timeout;
        this.settledFor = settledFor.toMillis();
        this.batcher = ScriptBatcher.forScript(
                RedisCreditAccounts.class, "credit-account.lua", () -> connection, timeout, MAX_BATCH, MAX_IN_FLIGHT);
        // reconnect soon after Redis returns (Lettuce's default backs off to 30 s)
        this.resources = ClientResources.builder()
                .reconnectDelay(
                        Delay.exponential(Duration.ofMillis(50), retryEvery.multipliedBy(4), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, RedisURI.create(redisUrl));
        client.setDefaultTimeout(timeout);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        try {
            connection = client.connect(io.lettuce.core.codec.StringCodec.UTF8);
        } catch (RuntimeException e) {
            failed("connect", e);
        }
        long every = retryEvery.toMillis();
        timer.scheduleWithFixedDelay(this::recover, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<Taken> hold(String tenant, String id, long most, long least, Instant deadline) {
        if (down != null) {
            return CompletableFuture.failedFuture(new IllegalStateException("credit accounts unreachable: " + down));
        }
        CompletableFuture<Taken> taken = built(
                        tenant,
                        () -> run(
                                true,
                                tenant,
                                id,
                                "hold",
                                id,
                                Long.toString(most),
                                Long.toString(least),
                                Long.toString(deadline.toEpochMilli())))
                .thenApply(r -> new Taken(r.result, r.snapshot.epoch()));
        return taken.whenComplete((t, e) -> {
            if (e != null) { // it may have reached Redis all the same: release it (a late hold is refused)
                failed("hold", e);
                retries.add(new Retry(
                        "release " + id,
                        () -> run(false, tenant, id, "capture", id, "0", "*", Long.toString(settledFor)),
                        new CompletableFuture<>()));
            }
        });
    }

    @Override
    public CompletableFuture<Void> resize(String tenant, String id, long amount) {
        return applied("resize " + id, () -> run(false, tenant, id, "resize", id, Long.toString(amount)));
    }

    @Override
    public CompletableFuture<Void> capture(String tenant, String id, long epoch, long cost) {
        String e = epoch == ANY_EPOCH ? "*" : Long.toString(epoch);
        return applied(
                "capture " + id,
                () -> run(false, tenant, id, "capture", id, Long.toString(cost), e, Long.toString(settledFor)));
    }

    @Override
    public CompletableFuture<Void> post(String tenant, String key, long amount) {
        return applied(
                "post " + key, () -> run(false, tenant, key, "post", Long.toString(amount), Long.toString(settledFor)));
    }

    @Override
    public CompletableFuture<Snapshot> read(String tenant) {
        return built(tenant, () -> run(true, tenant, "", "read")).thenApply(r -> r.snapshot);
    }

    @Override
    public CompletableFuture<Snapshot> peek(String tenant) {
        return run(true, tenant, "", "read").thenApply(r -> r == null ? null : r.snapshot);
    }

    @Override
    public long expiredHolds() {
        return expired.sum();
    }

    /** Redis commands that failed (timeouts, disconnects, errors); each is logged and retried or refused. */
    long failures() {
        return failures.sum();
    }

    /** Captures, releases and postings waiting for Redis. */
    int queued() {
        return retries.size();
    }

    /** Script calls (round trips) sent so far, each carrying one or more operations. */
    long batches() {
        return batcher.batches();
    }

    /** Operations sent so far (in {@link #batches()} script calls). */
    long operations() {
        return batcher.operations();
    }

    /** Runs {@code op}; when the account is missing, builds it from the ledger and runs {@code op} again. */
    private CompletableFuture<Result> built(String tenant, Supplier<CompletableFuture<Result>> op) {
        return op.get()
                .thenCompose(r -> r != null
                        ? CompletableFuture.completedFuture(r)
                        : initial.apply(tenant)
                                .exceptionallyCompose(e -> CompletableFuture.failedFuture(new LedgerUnavailable(e)))
                                .thenCompose(balance -> init(tenant, balance))
                                .thenCompose(created -> op.get())
                                .thenApply(again -> {
                                    if (again == null) {
                                        throw new IllegalStateException("credit account of '" + tenant + "' vanished");
                                    }
                                    return again;
                                }));
    }

    private CompletableFuture<Object> init(String tenant, long balance) {
        long epoch = ThreadLocalRandom.current().nextLong(1, 1L << 53);
        return submit(
                        true,
                        keys(tenant, ""),
                        List.of("init", Long.toString(clock.millis()), Long.toString(balance), Long.toString(epoch)))
                .thenApply(reply -> {
                    Object created = reply.isEmpty() ? null : reply.get(0);
                    if (Long.valueOf(1).equals(created)) {
                        log.info(
                                "credit account of tenant '{}' built from the ledger: {} micro-units", tenant, balance);
                    }
                    return created;
                });
    }

    /** Runs an operation now, or queues it while Redis is unreachable; completes once it applied. */
    private CompletableFuture<Void> applied(String what, Supplier<CompletableFuture<?>> op) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (down != null || !retries.isEmpty()) {
            retries.add(new Retry(what, op, done));
            return done;
        }
        op.get().whenComplete((r, e) -> {
            if (e == null) {
                done.complete(null);
            } else {
                failed(what, e);
                retries.add(new Retry(what, op, done));
            }
        });
        return done;
    }

    /** On the timer: reconnects, drains the queue in order, then declares Redis back. Never throws. */
    private void recover() {
        try {
            if (connection == null) {
                connection = client.connect(io.lettuce.core.codec.StringCodec.UTF8);
            }
            // the queue's head in one go (a few batches, in order), then forgotten up to the first that failed
            while (!retries.isEmpty()) {
                List<Retry> chunk = new ArrayList<>();
                List<CompletableFuture<?>> sent = new ArrayList<>();
                for (Retry r : retries) {
                    if (chunk.size() == RETRY_CHUNK) {
                        break;
                    }
                    chunk.add(r);
                    sent.add(r.op.get());
                }
                for (int i = 0; i < chunk.size(); i++) {
                    sent.get(i).get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
                    retries.poll();
                    chunk.get(i).done.complete(null);
                }
            }
            if (down != null) {
                connection.async().ping().toCompletableFuture().get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
                log.info("credit accounts: Redis answers again (was: {})", down);
                down = null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (down == null) {
                failed("retry", e);
            } else {
                failures.increment();
            }
        }
    }

    private void failed(String what, Throwable e) {
        failures.increment();
        Throwable cause =
                e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        String reason = cause.toString();
        if (cause instanceof LedgerUnavailable) {
            log.warn("credit accounts: the ledger could not be read ({}): {}", what, reason);
            return;
        }
        if (timedOut(cause) && System.nanoTime() - lastAnswer < timeout.toNanos()) {
            // one slow command while others are answered: this call fails, Redis is not down
            log.warn("credit accounts: a Redis command timed out ({}) while others are answered", what);
            return;
        }
        if (down == null) {
            log.warn(
                    "credit accounts: Redis failed ({}): {}; holds are refused with 503 until it answers, "
                            + "captures and postings are retried",
                    what,
                    reason);
        }
        down = reason;
    }

    private static boolean timedOut(Throwable e) {
        return e instanceof java.util.concurrent.TimeoutException
                || e instanceof io.lettuce.core.RedisCommandTimeoutException;
    }

    private List<String> keys(String tenant, String id) {
        String account = prefix + "{" + tenant + "}";
        return List.of(account, account + ":holds", account + ":settled:" + id);
    }

    /**
     * One operation of the script, in the next batch ({@code urgent}: a caller waits for it); {@code null} when
     * the account does not exist.
     */
    private CompletableFuture<Result> run(boolean urgent, String tenant, String id, String op, String... args) {
        List<String> argv = new ArrayList<>(args.length + 2);
        argv.add(op);
        argv.add(Long.toString(clock.millis()));
        argv.addAll(Arrays.asList(args));
        return submit(urgent, keys(tenant, id), argv).thenApply(r -> {
            if (r.size() == 1) {
                return null;
            }
            Result result = new Result(
                    number(r.get(0)),
                    new Snapshot(
                            number(r.get(2)), number(r.get(3)), number(r.get(4)), number(r.get(5)), number(r.get(6))));
            long swept = number(r.get(1));
            if (swept > 0) {
                expired.add(swept);
                log.warn("credit account of tenant '{}': {} hold(s) outlived their request; released", tenant, swept);
            }
            return result;
        });
    }

    private CompletableFuture<List<Object>> submit(boolean urgent, List<String> keys, List<String> argv) {
        return (urgent ? batcher.urgent(keys, argv) : batcher.lazy(keys, argv)).thenApply(reply -> {
            lastAnswer = System.nanoTime();
            return reply;
        });
    }

    private static long number(Object o) {
        return o instanceof Long l ? l : Long.parseLong(String.valueOf(o));
    }

    private record Result(long result, Snapshot snapshot) {}

    /** The ledger could not be read to build an account (not a Redis failure). */
    static final class LedgerUnavailable extends RuntimeException {
        LedgerUnavailable(Throwable cause) {
            super("the ledger could not be read: " + cause, cause);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        StatefulRedisConnection<String, String> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
