package io.modelgateway.bench;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.File;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import reactor.netty.http.client.HttpClient;

/**
 * {@code --replicas 2}: the gateway as it runs with more than one replica, quotas, credit holds and tenancy in
 * Redis (a {@code redis-server} of the bench's own on a free port, so its command counts are ours alone) and
 * usage records and tenants in PostgreSQL (a schema of its own, {@link BenchDatabase}). The deployment gets RPM
 * and TPM limits (never reached) so that every call is checked against the shared buckets, and the bench
 * tenant a price and credits so that every call takes a credit hold. Measured, closed loop: one replica alone
 * with all the in-flight requests, then both replicas with half each (the client splits the load), each for
 * {@code --throughput-seconds}; printed: req/s per replica against the single replica's, and Redis commands
 * per call from {@code INFO commandstats} deltas, by command.
 */
final class ReplicaBench {

    /** Outside the embedded default (H2) the gateway takes configured keys of 32 random characters only. */
    private static final String ADMIN_KEY = randomKey();

    private static final String API_KEY = randomKey();

    private final Options o;
    private final PrintStream out;
    private final String backend;
    private final HttpClient http;
    private final ScheduledExecutorService retry;
    private final String body;

    ReplicaBench(
            Options o, PrintStream out, String backend, HttpClient http, ScheduledExecutorService retry, String body) {
        this.o = o;
        this.out = out;
        this.backend = backend;
        this.http = http;
        this.retry = retry;
        this.body = body;
    }

    void run() throws Exception {
        int redisPort = GatewayProcess.freePort();
        File redisLog = File.createTempFile("bench-redis-", ".log");
        Process redis = new ProcessBuilder(
                        "redis-server",
                        "--port",
                        Integer.toString(redisPort),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(redisLog)
                .start();
        String redisUrl = "redis://127.0.0.1:" + redisPort;
        List<GatewayProcess> gateways = new ArrayList<>();
        RedisClient client = RedisClient.create(redisUrl);
        try (BenchDatabase db = new BenchDatabase()) {
            StatefulRedisConnection<String, String> redisConnection = connect(client);
            List<String> args = new ArrayList<>(o.gatewayArgs());
            args.addAll(List.of(
                    "--spring.datasource.url=" + db.dataSource.getJdbcUrl(),
                    "--spring.datasource.username=" + db.dataSource.getUsername(),
                    "--spring.datasource.password="
                            + (db.dataSource.getPassword() == null ? "" : db.dataSource.getPassword()),
                    "--spring.flyway.schemas=" + db.schema,
                    "--gateway.tenancy.redis-url=" + redisUrl,
                    "--gateway.quota.redis-url=" + redisUrl,
                    "--gateway.billing.redis-url=" + redisUrl,
                    "--gateway.quota.replicas=2",
                    // the console is not measured: its sessions stay in each replica's memory (no secret needed)
                    "--gateway.console.session-store=memory",
                    "--gateway.admin-api-key=" + ADMIN_KEY,
                    "--gateway.deployments." + o.model() + ".rpm=1000000000",
                    "--gateway.deployments." + o.model() + ".tpm=10000000000"));
            for (int i = 0; i < 2; i++) {
                GatewayProcess g = GatewayProcess.start(
                        o.gatewayJar(), o.gatewayHeap(), backend, o.model(), API_KEY, args, o.gatewayJavaOpts());
                gateways.add(g);
                g.awaitHealthy(Duration.ofSeconds(120));
                out.printf(Locale.ROOT, "  replica %d: pid %d on %s, log %s%n", i + 1, g.pid(), g.url(), g.log());
            }
            out.println("  Redis: redis-server on " + redisUrl + " (the bench's own); PostgreSQL schema " + db.schema);
            out.println("  credits: " + credits(gateways.get(0).url()));
            Target one = target("replica 1", gateways.get(0));
            Target two = target("replica 2", gateways.get(1));
            // each replica alone, with all the in-flight requests, until its rate settles and its JIT is done
            // (as the single-replica paths are warmed): warmed together, each got half the cores and its rate
            // was still rising when measured
            for (int i = 0; i < 2; i++) {
                LatencyBench.warm(
                        out,
                        i == 0 ? one : two,
                        gateways.get(i).pid(),
                        o.concurrency(),
                        "whole",
                        o.warmupSeconds(),
                        o.warmupRequests(),
                        o.warmupMaxSeconds(),
                        retry);
            }
            double warm = Math.min(10, Math.max(2, o.warmupSeconds()));
            List<PhaseResult> w = parallel(List.of(one, two), o.concurrency() / 2, warm);
            out.printf(
                    Locale.ROOT,
                    "  then both replicas together, %s s: %.0f + %.0f req/s%n",
                    LatencyBench.num(warm),
                    w.get(0).throughput(),
                    w.get(1).throughput());

            Map<String, Long> r0 = commandStats(redisConnection);
            long[] cpu0 = cpu(gateways.get(0).pid(), redis.pid());
            PhaseResult single =
                    Load.closedLoop("replicas", one, o.concurrency(), o.throughputSeconds(), Long.MAX_VALUE, retry);
            long[] cpu1 = cpu(gateways.get(0).pid(), redis.pid());
            Map<String, Long> r1 = commandStats(redisConnection);
            List<PhaseResult> both = parallel(List.of(one, two), o.concurrency() / 2, o.throughputSeconds());
            Map<String, Long> r2 = commandStats(redisConnection);

            out.printf(
                    Locale.ROOT,
                    "  one replica, %d in flight:          %7.0f req/s (ok %d, errors %d)%n",
                    o.concurrency(),
                    single.throughput(),
                    single.okCount(),
                    single.errorCount());
            out.println("    CPU per call of the single replica's phase: " + cpuPerCall(cpu0, cpu1, single.okCount()));
            double total = 0;
            for (int i = 0; i < both.size(); i++) {
                PhaseResult r = both.get(i);
                total += r.throughput();
                out.printf(
                        Locale.ROOT,
                        "  two replicas, replica %d, %d in flight: %7.0f req/s (ok %d, errors %d) = %.2f of"
                                + " the single replica%n",
                        i + 1,
                        o.concurrency() / 2,
                        r.throughput(),
                        r.okCount(),
                        r.errorCount(),
                        single.throughput() > 0 ? r.throughput() / single.throughput() : 0);
            }
            out.printf(
                    Locale.ROOT,
                    "  two replicas together: %.0f req/s = %.2f of the single replica (%d cores on this"
                            + " machine for the client, the model server and both replicas: per-replica throughput can only"
                            + " hold with a core per replica)%n",
                    total,
                    single.throughput() > 0 ? total / single.throughput() : 0,
                    Runtime.getRuntime().availableProcessors());
            long okBoth = both.stream().mapToLong(PhaseResult::okCount).sum();
            out.println(
                    "  Redis commands executed per call (INFO commandstats, commands inside Lua scripts included):");
            out.println("    one replica:  " + perCall(r0, r1, single.okCount()));
            out.println("    two replicas: " + perCall(r1, r2, okBoth));
            out.println("  Redis round trips per call (commands the replicas sent, from a "
                    + LatencyBench.num(MONITOR_SECONDS)
                    + " s MONITOR sample of both replicas under the same load; MONITOR slows Redis, so its req/s are"
                    + " not compared): " + roundTrips(redisPort, List.of(one, two)));
            for (PhaseResult r : both) {
                r.errorsByKind()
                        .forEach((kind, n) ->
                                out.println("      error: " + n + " x " + kind + " -- e.g. " + r.sample(kind)));
            }
            single.errorsByKind()
                    .forEach((kind, n) -> out.println(
                            "      error (one replica): " + n + " x " + kind + " -- e.g. " + single.sample(kind)));
            redisConnection.close();
        } finally {
            for (GatewayProcess g : gateways) {
                g.close();
                if (!o.keepGatewayLog()) {
                    g.deleteWorkDir();
                }
            }
            client.shutdown();
            redis.destroy();
            redisLog.delete();
        }
    }

    private static final double MONITOR_SECONDS = 3;

    /** CPU ticks so far: the replica, redis-server, every postgres process, the whole machine (every process and the interrupts). */
    private static long[] cpu(long gatewayPid, long redisPid) {
        CpuMeter.Sample machine = CpuMeter.sample(-1);
        return new long[] {
            CpuMeter.processTicks(gatewayPid),
            CpuMeter.processTicks(redisPid),
            CpuMeter.commandTicks("postgres"),
            machine == null ? 0 : machine.processes() + machine.interrupts()
        };
    }

    /**
     * Where a call's CPU went while one replica ran on Redis and PostgreSQL: they share this machine's cores with
     * the replica, the client and the model server, which is why one replica here serves fewer calls than the
     * embedded default (H2, in-memory buckets) on the same machine.
     */
    private static String cpuPerCall(long[] a, long[] b, long calls) {
        if (calls == 0) {
            return "no call";
        }
        String[] names = {"gateway", "Redis", "PostgreSQL", "whole machine"};
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            parts.add(String.format(
                    Locale.ROOT, "%s %.0f us", names[i], (b[i] - a[i]) * 1e6 / CpuMeter.TICKS_PER_SECOND / calls));
        }
        return String.join(", ", parts);
    }

    /**
     * Counts the commands clients sent (one round trip each; pipelined ones too) apart from those Lua scripts ran,
     * with {@code redis-cli monitor} (it marks a script's commands {@code [0 lua]}), per successful call; script
     * calls are told apart by their first key: the quota's ({@code model-gateway:quota...}) or the credit
     * accounts' ({@code model-gateway:credits:...}). A script call carries a batch of operations, of many calls.
     */
    private String roundTrips(int redisPort, List<Target> targets) throws Exception {
        File log = File.createTempFile("bench-redis-monitor-", ".txt");
        Process monitor = new ProcessBuilder("redis-cli", "-p", Integer.toString(redisPort), "monitor")
                .redirectErrorStream(true)
                .redirectOutput(log)
                .start();
        try {
            Thread.sleep(200); // MONITOR is on before the load starts
            List<PhaseResult> results = parallel(targets, o.concurrency() / 2, MONITOR_SECONDS);
            long calls = results.stream().mapToLong(PhaseResult::okCount).sum();
            monitor.destroy();
            monitor.waitFor();
            Map<String, Long> sent = new TreeMap<>();
            long inScripts = 0;
            for (String line : java.nio.file.Files.readAllLines(log.toPath())) {
                int q = line.indexOf("] \"");
                if (q < 0) {
                    continue;
                }
                String command = line.substring(q + 3, line.indexOf('"', q + 3)).toLowerCase(Locale.ROOT);
                if (line.contains("[0 lua]") || line.contains(" lua]")) {
                    inScripts++;
                } else if (!command.equals("info") && !command.equals("ping")) {
                    if (command.equals("evalsha") || command.equals("eval")) {
                        command += line.contains("\"model-gateway:quota")
                                ? " (quota)"
                                : line.contains("\"model-gateway:credits") ? " (credits)" : "";
                    }
                    sent.merge(command, 1L, Long::sum);
                }
            }
            if (calls == 0) {
                return "n/a (no calls)";
            }
            long total = sent.values().stream().mapToLong(Long::longValue).sum();
            List<String> parts = new ArrayList<>();
            sent.forEach((c, n) -> parts.add(String.format(Locale.ROOT, "%s %.2f", c, n / (double) calls)));
            return String.format(
                    Locale.ROOT,
                    "%.2f (%s; %d calls), and %.2f commands run inside scripts",
                    total / (double) calls,
                    String.join(", ", parts),
                    calls,
                    inScripts / (double) calls);
        } finally {
            monitor.destroy();
            log.delete();
        }
    }

    private Target target(String name, GatewayProcess g) {
        HttpClient client = http.baseUrl(g.url())
                .headers(h -> h.set(io.netty.handler.codec.http.HttpHeaderNames.AUTHORIZATION, "Bearer " + API_KEY));
        return HttpTarget.postJson(name, client, "/v1/chat/completions", body, "\"finish_reason\"");
    }

    /** Closed loop on each target at once, {@code concurrency} in flight each. */
    private List<PhaseResult> parallel(List<Target> targets, int concurrency, double seconds) throws Exception {
        List<CompletableFuture<PhaseResult>> runs = new ArrayList<>();
        for (Target t : targets) {
            CompletableFuture<PhaseResult> f = new CompletableFuture<>();
            Thread thread = new Thread(
                    () -> {
                        try {
                            f.complete(Load.closedLoop("replicas", t, concurrency, seconds, Long.MAX_VALUE, retry));
                        } catch (Throwable e) {
                            f.completeExceptionally(e);
                        }
                    },
                    "bench-" + t.name());
            thread.start();
            runs.add(f);
        }
        List<PhaseResult> results = new ArrayList<>();
        for (CompletableFuture<PhaseResult> f : runs) {
            results.add(f.get());
        }
        return results;
    }

    /** A price for the deployment and credits for the bench tenant (admin API), so every call takes a hold. */
    private String credits(String url) {
        try {
            java.net.http.HttpClient jdk = java.net.http.HttpClient.newHttpClient();
            String price = post(
                    jdk,
                    url + "/admin/v1/prices/" + o.model(),
                    "{\"input_per_1m\":\"0.01\",\"cached_input_per_1m\":\"0.01\",\"output_per_1m\":\"0.01\",\"per_request\":\"0\"}",
                    null);
            String topUp = post(
                    jdk, url + "/admin/v1/tenants/bench/credits/top-ups", "{\"amount\":\"1000000\"}", "bench-top-up");
            return "price " + price + ", top-up " + topUp;
        } catch (Exception e) {
            return "not set up (" + e + "): calls take no credit hold";
        }
    }

    private static String post(java.net.http.HttpClient jdk, String url, String json, String idempotencyKey)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<String> res = jdk.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return res.statusCode() / 100 == 2
                ? "HTTP " + res.statusCode()
                : "HTTP " + res.statusCode() + " "
                        + res.body().substring(0, Math.min(200, res.body().length()));
    }

    private static String randomKey() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        return "sk-" + java.util.HexFormat.of().formatHex(bytes);
    }

    private static StatefulRedisConnection<String, String> connect(RedisClient client) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                return client.connect();
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("redis-server did not start (needs redis-server on PATH)", e);
                }
                Thread.sleep(50);
            }
        }
    }

    /** Calls per command since the server started ({@code INFO commandstats}). */
    static Map<String, Long> commandStats(StatefulRedisConnection<String, String> c) {
        Map<String, Long> calls = new TreeMap<>();
        for (String line : c.sync().info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
                    if (field.startsWith("calls=")) {
                        calls.put(name, Long.parseLong(field.substring("calls=".length())));
                    }
                }
            }
        }
        return calls;
    }

    /** E.g. "2.01 (evalsha 1.00, eval 0.00, publish 0.01, ...)": commands between two samples per call. */
    static String perCall(Map<String, Long> before, Map<String, Long> after, long calls) {
        if (calls <= 0) {
            return "n/a (no calls)";
        }
        long total = 0;
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Long> e : new TreeMap<>(after).entrySet()) {
            if (e.getKey().equals("info")) {
                continue; // the bench's own
            }
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d > 0) {
                total += d;
                parts.add(String.format(Locale.ROOT, "%s %.2f", e.getKey(), d / (double) calls));
            }
        }
        return String.format(Locale.ROOT, "%.2f (%s)", total / (double) calls, String.join(", ", parts));
    }
}
