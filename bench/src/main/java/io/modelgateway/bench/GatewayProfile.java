package io.modelgateway.bench;

import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The gateway path alone, for quick before/after comparisons while working on its cost: starts the model
 * server (in this JVM) and the gateway (its own JVM), warms it up closed loop for {@code --warmup-max-seconds},
 * then measures an open-loop phase at {@code --rate} for {@code --seconds} and a closed-loop phase with
 * {@code --concurrency} in flight for {@code --throughput-seconds}, printing the gateway's CPU per call and, with
 * {@code --profile DIR}, its flame graph and {@link StageSplit} of each phase. Takes the bench's options:
 * {@code java -cp bench/target/bench.jar io.modelgateway.bench.GatewayProfile --warmup-max-seconds 30 --profile DIR}.
 */
public final class GatewayProfile {

    private GatewayProfile() {}

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        if (o.gatewayUrl() != null) { // a gateway started by hand (its pid in -Dgateway.pid) on its own backend
            measure(o, o.gatewayUrl(), Long.getLong("gateway.pid", -1));
            System.exit(0);
        }
        try (ModelServer server = ModelServer.builder()
                .host("127.0.0.1")
                .port(0)
                .embeddings(false)
                .echoSettings(EchoSettings.fast())
                .start()) {
            GatewayProcess gateway = GatewayProcess.start(
                    o.gatewayJar(),
                    o.gatewayHeap(),
                    server.target(),
                    o.model(),
                    o.apiKey(),
                    o.gatewayArgs(),
                    o.gatewayJavaOpts());
            try {
                run(o, server, gateway);
            } finally {
                gateway.close();
                if (!o.keepGatewayLog()) {
                    gateway.deleteWorkDir();
                }
            }
        }
        System.exit(0);
    }

    private static void run(Options o, ModelServer server, GatewayProcess gateway) throws Exception {
        gateway.awaitHealthy(Duration.ofSeconds(120));
        System.out.println("gateway log: " + gateway.log());
        if (o.replicas() >= 2) { // the two-replica phase alone
            replicas(o, server.target());
        } else {
            measure(o, gateway.url(), gateway.pid());
        }
    }

    private static void replicas(Options o, String backend) throws Exception {
        HttpClient http = HttpClient.create()
                .protocol(HttpProtocol.HTTP11)
                .keepAlive(true)
                .responseTimeout(Duration.ofSeconds(30))
                .headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + o.apiKey())
                        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON));
        ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor();
        try {
            new ReplicaBench(o, System.out, backend, http, retry, body(o)).run();
        } finally {
            retry.shutdownNow();
        }
    }

    private static String body(Options o) {
        return "{\"model\":" + LatencyBench.json(o.model()) + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + LatencyBench.json(o.prompt()) + "}],\"max_tokens\":" + o.maxTokens() + "}";
    }

    private static void measure(Options o, String url, long pid) throws Exception {
        {
            Profiler profiler = o.profileDir() == null ? null : Profiler.load();
            ConnectionProvider pool = ConnectionProvider.builder("profile")
                    .maxConnections(o.concurrency() + 16)
                    .pendingAcquireMaxCount(o.maxInFlight())
                    .build();
            LoopResources loops =
                    LoopResources.create("profile-http", Runtime.getRuntime().availableProcessors(), true);
            HttpClient http = HttpClient.create(pool)
                    .runOn(loops)
                    .protocol(HttpProtocol.HTTP11)
                    .keepAlive(true)
                    .responseTimeout(Duration.ofSeconds(30))
                    .headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + o.apiKey())
                            .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON))
                    .baseUrl(url);
            String body = body(o);
            Target target =
                    HttpTarget.postJson("gateway HTTP", http, "/v1/chat/completions", body, "\"finish_reason\"");
            ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor();
            try {
                PhaseResult w = Load.closedLoop(
                        "warm-up", target, o.concurrency(), o.warmupMaxSeconds(), Long.MAX_VALUE, retry);
                System.out.printf(
                        Locale.ROOT,
                        "warm-up: %.0f req/s over %s s, %d errors%n",
                        w.throughput(),
                        LatencyBench.num(o.warmupMaxSeconds()),
                        w.errorCount());
                phase(
                        "open loop " + LatencyBench.num(o.rate()) + " req/s",
                        "latency",
                        pid,
                        profiler,
                        o,
                        () -> Load.openLoop("latency", target, o.rate(), o.seconds(), false, o.maxInFlight()));
                phase(
                        "closed loop " + o.concurrency() + " in flight",
                        "throughput",
                        pid,
                        profiler,
                        o,
                        () -> Load.closedLoop(
                                "throughput", target, o.concurrency(), o.throughputSeconds(), Long.MAX_VALUE, retry));
            } finally {
                retry.shutdownNow();
                pool.disposeLater().block(Duration.ofSeconds(10));
                loops.disposeLater().block(Duration.ofSeconds(10));
            }
        }
    }

    private interface Run {
        PhaseResult run() throws InterruptedException;
    }

    private static void phase(String title, String name, long pid, Profiler profiler, Options o, Run run)
            throws Exception {
        System.gc();
        if (profiler != null) {
            profiler.start(pid);
        }
        CpuMeter.Sample c0 = CpuMeter.sample(pid);
        PhaseResult r = run.run();
        CpuMeter.Sample c1 = CpuMeter.sample(pid);
        Path html = o.profileDir() == null ? null : o.profileDir().resolve(name + "-gateway-HTTP.html");
        if (profiler != null) {
            profiler.stop(pid, html);
        }
        double perCall = CpuMeter.microsPerCall(c0, c1, r.okCount());
        Percentiles p = r.latency();
        System.out.printf(
                Locale.ROOT,
                "%s: %.0f req/s, ok %d, errors %d, p50 %s p90 %s p99 %s ms, gateway CPU per call"
                        + " %.0f us%n      %s%n",
                title,
                r.throughput(),
                r.okCount(),
                r.errorCount(),
                Percentiles.ms(p.p50()),
                Percentiles.ms(p.p90()),
                Percentiles.ms(p.p99()),
                perCall,
                CpuMeter.describe(c0, c1, Runtime.getRuntime().availableProcessors(), "gateway"));
        r.errorsByKind().forEach((kind, n) -> System.out.println("      error: " + n + " x " + kind));
        if (html != null) {
            System.out.println("      flame graph: " + html);
            StageSplit.read(Profiler.collapsed(html)).lines(perCall).forEach(l -> System.out.println("      " + l));
        }
    }
}
