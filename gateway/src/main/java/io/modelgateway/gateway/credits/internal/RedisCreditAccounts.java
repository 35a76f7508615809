package io.modelgateway.gateway.credits.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * script ({@code credit-account.lua}) so every operation is atomic. Every command is bounded by
 * {@code timeout}; while Redis is unreachable commands fail at once (Lettuce rejects them while
 * disconnected), holds fail (the call gets 503 {@code billing_unavailable}), and captures, releases and
 * postings wait in a queue that is retried in order until Redis answers again (each is keyed, so one that
 * did reach Redis before its answer was lost applies once). A hold that timed out is released the same way.
 */
final class RedisCreditAccounts implements CreditAccounts {

    private static final Logger log = LoggerFactory.getLogger(RedisCreditAccounts.class);
    private static final String SCRIPT = script();
    private static final String SHA = sha1(SCRIPT);

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

    private static String sha1(String text) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-1")
                            .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String script() {
        try (InputStream in = RedisCreditAccounts.class.getResourceAsStream("credit-account.lua")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public CompletableFuture<Taken> hold(String tenant, String id, long most, long least, Instant deadline) {
        if (down != null) {
            return CompletableFuture.failedFuture(new IllegalStateException("credit accounts unreachable: " + down));
        }
        CompletableFuture<Taken> taken = built(
                        tenant,
                        () -> run(
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
                        () -> run(tenant, id, "capture", id, "0", "*", Long.toString(settledFor)),
                        new CompletableFuture<>()));
            }
        });
    }

    @Override
    public CompletableFuture<Void> resize(String tenant, String id, long amount) {
        return applied("resize " + id, () -> run(tenant, id, "resize", id, Long.toString(amount)));
    }

    @Override
    public CompletableFuture<Void> capture(String tenant, String id, long epoch, long cost) {
        String e = epoch == ANY_EPOCH ? "*" : Long.toString(epoch);
        return applied(
                "capture " + id,
                () -> run(tenant, id, "capture", id, Long.toString(cost), e, Long.toString(settledFor)));
    }

    @Override
    public CompletableFuture<Void> post(String tenant, String key, long amount) {
        return applied("post " + key, () -> run(tenant, key, "post", Long.toString(amount), Long.toString(settledFor)));
    }

    @Override
    public CompletableFuture<Snapshot> read(String tenant) {
        return built(tenant, () -> run(tenant, "", "read")).thenApply(r -> r.snapshot);
    }

    @Override
    public CompletableFuture<Snapshot> peek(String tenant) {
        return run(tenant, "", "read").thenApply(r -> r == null ? null : r.snapshot);
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
        return eval(
                        keys(tenant, ""),
                        ScriptOutputType.INTEGER,
                        "init",
                        Long.toString(clock.millis()),
                        Long.toString(balance),
                        Long.toString(epoch))
                .thenApply(created -> {
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
            for (Retry r = retries.peek(); r != null; r = retries.peek()) {
                r.op.get().get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
                retries.poll();
                r.done.complete(null);
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

    /** One script call; {@code null} when the account does not exist. */
    private CompletableFuture<Result> run(String tenant, String id, String op, String... args) {
        String[] argv = new String[args.length + 2];
        argv[0] = op;
        argv[1] = Long.toString(clock.millis());
        System.arraycopy(args, 0, argv, 2, args.length);
        return eval(keys(tenant, id), ScriptOutputType.MULTI, argv).thenApply(reply -> {
            List<?> r = (List<?>) reply;
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

    private CompletableFuture<Object> eval(List<String> keys, ScriptOutputType type, String... argv) {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("not connected to Redis"));
        }
        try {
            String[] k = keys.toArray(String[]::new);
            // by its digest; the first time (and after Redis restarted empty) with its text
            return c.async()
                    .evalsha(SHA, type, k, argv)
                    .toCompletableFuture()
                    .exceptionallyCompose(e -> String.valueOf(e.getMessage()).contains("NOSCRIPT")
                            ? c.async().eval(SCRIPT, type, k, argv).toCompletableFuture()
                            : CompletableFuture.failedFuture(e))
                    .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .thenApply(o -> {
                        lastAnswer = System.nanoTime();
                        return (Object) o;
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
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
