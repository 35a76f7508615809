package io.modelgateway.gateway.runtime;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Operations of one Lua script sent to Redis many at a time: each batch is one {@code EVALSHA} (one round trip)
 * that runs the operations in the order they were submitted, atomically. Nothing waits for a batch to fill:
 *
 * <ul>
 *   <li>an <em>urgent</em> operation (one a caller waits for, like a credit hold or a quota admission) is sent at
 *       once, with whatever was queued before it, unless {@code maxInFlight} batches are in flight already; then
 *       it goes with the next batch, sent as soon as one of them returns;
 *   <li>a <em>lazy</em> operation (a capture, a correction: nobody waits for it) is sent at once only when
 *       nothing is in flight (so an idle gateway adds no delay); otherwise it waits for the next batch, which an
 *       urgent operation or the return of the last batch in flight sends.
 * </ul>
 *
 * A batch holds at most {@code maxBatch} operations. Batches are written to the one connection in order, so
 * Redis runs the operations in the order they were submitted. Each operation is bounded by {@code timeout} from
 * its submission (one that timed out while queued is not sent). A batch that fails (timeout, disconnection, a
 * script error) fails each of its operations; the script reports an error of one operation (caught with
 * {@code pcall}) as that operation's failure only.
 *
 * <p>The script's side of the encoding: {@code ARGV[1]} is the number of operations; then, per operation, its
 * number of keys, its number of arguments and the arguments; its keys follow each other in {@code KEYS}. The
 * script returns one reply per operation, each a table; a table whose first element is {@code "error"} is that
 * operation's failure (its second element the message). That side is written once, in {@code script-batch.lua}
 * next to this class, and appended to each script by {@link #forScript}: a batched script only defines
 * {@code local function operation(keys, args)}.
 */
public final class ScriptBatcher {

    private final String script;
    private final String sha;
    private final Supplier<StatefulRedisConnection<String, String>> connection;
    private final Duration timeout;
    private final int maxBatch;
    private final int maxInFlight;
    private final ArrayDeque<Op> queue = new ArrayDeque<>();
    private final LongAdder batches = new LongAdder();
    private final LongAdder operations = new LongAdder();
    private int urgentQueued;
    private int inFlight;

    private record Op(boolean urgent, List<String> keys, List<String> args, CompletableFuture<List<Object>> reply) {}

    /**
     * A batcher for the Lua script {@code resource} next to {@code owner}, which defines {@code local function
     * operation(keys, args)}; the batch loop ({@code script-batch.lua}) is appended to it.
     *
     * @param connection the connection to send on, or {@code null} while there is none (a batch then fails)
     * @param timeout how long a batch may take before its operations fail
     */
    public static ScriptBatcher forScript(
            Class<?> owner,
            String resource,
            Supplier<StatefulRedisConnection<String, String>> connection,
            Duration timeout,
            int maxBatch,
            int maxInFlight) {
        String script = read(owner, resource) + "\n" + read(ScriptBatcher.class, "script-batch.lua");
        return new ScriptBatcher(script, connection, timeout, maxBatch, maxInFlight);
    }

    private static String read(Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no script " + resource + " next to " + owner.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ScriptBatcher(
            String script,
            Supplier<StatefulRedisConnection<String, String>> connection,
            Duration timeout,
            int maxBatch,
            int maxInFlight) {
        if (maxBatch < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("maxBatch and maxInFlight must be positive");
        }
        this.script = script;
        this.sha = sha1(script);
        this.connection = connection;
        this.timeout = timeout;
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
    }

    /** An operation the caller waits for: sent at once unless {@code maxInFlight} batches are in flight. */
    public CompletableFuture<List<Object>> urgent(List<String> keys, List<String> args) {
        return submit(true, keys, args);
    }

    /** An operation nobody waits for: sent at once when nothing is in flight, else with the next batch. */
    public CompletableFuture<List<Object>> lazy(List<String> keys, List<String> args) {
        return submit(false, keys, args);
    }

    /** Commands (batches) sent so far. */
    public long batches() {
        return batches.sum();
    }

    /** Operations sent so far (in {@link #batches()} commands). */
    public long operations() {
        return operations.sum();
    }

    /** Operations waiting for a batch. */
    public synchronized int queued() {
        return queue.size();
    }

    private CompletableFuture<List<Object>> submit(boolean urgent, List<String> keys, List<String> args) {
        // bounded from submission, as a command of its own would be: one still queued then is not sent
        CompletableFuture<List<Object>> reply =
                new CompletableFuture<List<Object>>().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        synchronized (this) {
            queue.add(new Op(urgent, keys, args, reply));
            if (urgent) {
                urgentQueued++;
            }
        }
        pump();
        return reply;
    }

    /** Sends what may be sent now. Writes happen under the lock, so batches reach the connection in order. */
    private synchronized void pump() {
        while (!queue.isEmpty()
                && inFlight < maxInFlight
                && (urgentQueued > 0 || inFlight == 0 || queue.size() >= maxBatch)) {
            List<Op> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
            while (!queue.isEmpty() && batch.size() < maxBatch) {
                Op op = queue.poll();
                if (op.urgent) {
                    urgentQueued--;
                }
                if (!op.reply.isDone()) { // else it timed out while queued
                    batch.add(op);
                }
            }
            if (batch.isEmpty()) {
                continue;
            }
            inFlight++;
            send(batch);
        }
    }

    private void send(List<Op> batch) {
        batches.increment();
        operations.add(batch.size());
        List<String> keys = new ArrayList<>();
        List<String> argv = new ArrayList<>();
        argv.add(Integer.toString(batch.size()));
        for (Op op : batch) {
            keys.addAll(op.keys);
            argv.add(Integer.toString(op.keys.size()));
            argv.add(Integer.toString(op.args.size()));
            argv.addAll(op.args);
        }
        CompletableFuture<Object> sent;
        StatefulRedisConnection<String, String> c = connection.get();
        if (c == null) {
            sent = CompletableFuture.failedFuture(new IllegalStateException("not connected to Redis"));
        } else {
            try {
                String[] k = keys.toArray(String[]::new);
                String[] a = argv.toArray(String[]::new);
                // by its digest; the first time (and after Redis restarted empty) with its text
                sent = c.async()
                        .evalsha(sha, ScriptOutputType.MULTI, k, a)
                        .toCompletableFuture()
                        .exceptionallyCompose(
                                e -> String.valueOf(e.getMessage()).contains("NOSCRIPT")
                                        ? c.async()
                                                .eval(script, ScriptOutputType.MULTI, k, a)
                                                .toCompletableFuture()
                                        : CompletableFuture.failedFuture(e))
                        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                sent = CompletableFuture.failedFuture(e);
            }
        }
        sent.whenComplete((reply, error) -> {
            synchronized (this) {
                inFlight--;
            }
            answer(batch, reply, error);
            pump();
        });
    }

    private static void answer(List<Op> batch, Object reply, Throwable error) {
        if (error == null && !(reply instanceof List<?> l && l.size() == batch.size())) {
            error = new IllegalStateException("unexpected script reply: " + reply);
        }
        for (int i = 0; i < batch.size(); i++) {
            CompletableFuture<List<Object>> f = batch.get(i).reply;
            if (error != null) {
                f.completeExceptionally(error);
                continue;
            }
            Object r = ((List<?>) reply).get(i);
            if (r instanceof List<?> one) {
                if (!one.isEmpty() && "error".equals(one.get(0))) {
                    f.completeExceptionally(
                            new IllegalStateException("script error: " + (one.size() > 1 ? one.get(1) : "unknown")));
                } else {
                    @SuppressWarnings("unchecked")
                    List<Object> ok = (List<Object>) one;
                    f.complete(ok);
                }
            } else {
                f.completeExceptionally(new IllegalStateException("unexpected operation reply: " + r));
            }
        }
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
}
