package io.modelgateway.bench;

import io.modelgateway.inference.ChatMessage;
import io.modelgateway.inference.ChatTemplate;
import io.modelgateway.inference.TritonClient;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * Latency and throughput of the gateway against direct gRPC calls to the same backend, in one run on
 * one machine. See {@link #printMethod()} for what every number means, and {@link Options#USAGE}.
 */
public final class LatencyBench {

    private static final String CHAT_PATH = "/v1/chat/completions";
    private static final long WARMUP_MAX_REQUESTS = 5_000_000;
    private static final double SETTLED_JIT_CORES = 0.1;
    private static final long THROUGHPUT_MAX_REQUESTS = 50_000_000;

    private final Options o;
    private final PrintStream out;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    /** Measured phases during which other processes used a noticeable share of the CPU. */
    private final List<String> disturbed = new java.util.ArrayList<>();

    private GatewayProcess gateway;
    private FloorProcess floor;
    private Profiler profiler;
    /** The server process behind each HTTP target (its CPU is measured per call), by target name. */
    private final java.util.Map<String, Long> serverPids = new java.util.HashMap<>();
    /** CPU per successful call of each server process, per phase ("latency/floor bridge" -> us). */
    private final java.util.Map<String, Double> cpuPerCall = new java.util.LinkedHashMap<>();

    LatencyBench(Options options, PrintStream out) {
        this.o = options;
        this.out = out;
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (e.getMessage().equals("help")) {
                System.out.print(Options.USAGE);
                System.exit(0);
            }
            System.err.println("error: " + e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        System.exit(new LatencyBench(options, System.out).run());
    }

    int run() {
        Thread hook = new Thread(this::closeAll, "bench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            measure();
            return 0;
        } catch (Exception e) {
            out.println();
            out.println("BENCHMARK FAILED: " + e);
            if (gateway != null) {
                out.println("--- last lines of the gateway log (" + gateway.log() + ") ---");
                out.println(gateway.logTail(40));
            }
            return 1;
        } finally {
            closeAll();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
    }

    private synchronized void closeAll() {
        while (!resources.isEmpty()) {
            AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (Exception e) {
                out.println("(while stopping: " + e + ")");
            }
        }
    }

    private synchronized <T extends AutoCloseable> T track(T resource) {
        resources.push(resource);
        return resource;
    }

    // ---------------------------------------------------------------------------------------------

    private void measure() throws Exception {
        List<ChatMessage> messages = List.of(new ChatMessage("user", o.prompt()));
        ChatTemplate template = ChatTemplate.named("plain");
        String prompt = template.render(messages, true);
        printHeader(prompt);

        // 1. backend and gateway
        String backend = o.backend();
        if (backend == null) {
            ModelServer server = track(ModelServer.builder()
                    .host("127.0.0.1")
                    .port(0)
                    .embeddings(false)
                    .echoSettings(EchoSettings.fast())
                    .start());
            backend = server.target();
            out.println("model server: in this JVM on " + backend + ", echo model, no delays (EchoSettings.fast())");
        } else {
            out.println("backend: " + backend + " (given with --backend)");
        }
        TritonClient triton = track(TritonClient.connect(backend));
        if (!Boolean.TRUE.equals(triton.modelReady(o.model()).get(15, TimeUnit.SECONDS))) {
            throw new IllegalStateException("model '" + o.model() + "' is not ready on " + backend);
        }

        if (o.profileDir() != null) {
            profiler = Profiler.load();
            out.println("profiling: async-profiler flame graphs into "
                    + o.profileDir().toAbsolutePath());
        }
        long tf = System.nanoTime();
        floor = track(FloorProcess.start(o.gatewayHeap(), backend, List.of()));
        out.printf(
                Locale.ROOT,
                "floor bridge: pid %d on %s, listening after %.1f s, -Xmx%s (FloorBridge: Reactor Netty,"
                        + " Jackson streaming, one ModelStreamInfer call with directExecutor; nothing else)%n",
                floor.pid(),
                floor.url(),
                (System.nanoTime() - tf) / 1e9,
                o.gatewayHeap());

        String gatewayUrl = null;
        if (o.skipGateway()) {
            out.println("gateway: skipped (--skip-gateway): direct path only");
        } else if (o.gatewayUrl() != null) {
            gatewayUrl = o.gatewayUrl();
            out.println("gateway: already running at " + gatewayUrl + " (--gateway-url)"
                    + (o.backend() == null
                            ? "; WARNING: its deployment must point at " + backend
                                    + " or the two paths do not reach the same backend"
                            : ""));
            GatewayProcess.awaitHealthy(gatewayUrl, Duration.ofSeconds(30), null);
        } else {
            out.println("gateway jar: " + describe(o.gatewayJar()) + "; its inference-adapter: "
                    + describe(o.gatewayJar()
                            .toAbsolutePath()
                            .resolveSibling("lib")
                            .resolve("inference-adapter-0.1.0-SNAPSHOT.jar")));
            long t0 = System.nanoTime();
            gateway = track(GatewayProcess.start(
                    o.gatewayJar(),
                    o.gatewayHeap(),
                    backend,
                    o.model(),
                    o.apiKey(),
                    o.gatewayArgs(),
                    o.gatewayJavaOpts()));
            gateway.awaitHealthy(Duration.ofSeconds(120));
            gatewayUrl = gateway.url();
            out.printf(
                    Locale.ROOT,
                    "gateway: pid %d on %s, healthy after %.1f s, -Xmx%s, log %s%n",
                    gateway.pid(),
                    gatewayUrl,
                    (System.nanoTime() - t0) / 1e9,
                    o.gatewayHeap(),
                    gateway.log());
            out.println("gateway command: "
                    + String.join(
                            " ", gateway.command().subList(1, gateway.command().size()))
                    + (o.gatewayJavaOpts().isBlank() ? "" : " (JAVA_TOOL_OPTIONS=" + o.gatewayJavaOpts() + ")"));
        }

        ConnectionProvider pool = ConnectionProvider.builder("bench")
                .maxConnections(o.concurrency() + 16)
                .pendingAcquireMaxCount(o.maxInFlight())
                .pendingAcquireTimeout(Duration.ofSeconds(30))
                .build();
        LoopResources loops =
                LoopResources.create("bench-http", Runtime.getRuntime().availableProcessors(), true);
        track(() -> {
            pool.disposeLater().block(Duration.ofSeconds(10));
            loops.disposeLater().block(Duration.ofSeconds(10));
        });
        HttpClient http = HttpClient.create(pool)
                .runOn(loops)
                .protocol(HttpProtocol.HTTP11)
                .keepAlive(true)
                .responseTimeout(Duration.ofSeconds(30))
                .headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + o.apiKey())
                        .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON));
        ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-retry");
            t.setDaemon(true);
            return t;
        });
        track(retry::shutdownNow);

        Target directA =
                new DirectTarget("direct gRPC", triton, o.model(), template, messages, o.maxTokens(), false, false);
        Target directS =
                new DirectTarget("direct gRPC", triton, o.model(), template, messages, o.maxTokens(), true, false);
        Target gatewayB = null;
        Target gatewayS = null;
        if (gatewayUrl != null) {
            HttpClient gw = http.baseUrl(gatewayUrl);
            gatewayB = HttpTarget.postJson("gateway HTTP", gw, CHAT_PATH, body(false), "\"finish_reason\"");
            gatewayS = HttpTarget.postSse("gateway HTTP", gw, CHAT_PATH, body(true));
            serverPids.put("gateway HTTP", gatewayPid());
        }
        HttpClient fl = http.baseUrl(floor.url());
        Target floorB = HttpTarget.postJson("floor bridge", fl, CHAT_PATH, body(false), "\"finish_reason\"");
        Target floorS = HttpTarget.postSse("floor bridge", fl, CHAT_PATH, body(true));
        serverPids.put("floor bridge", floor.pid());
        once(floorB);
        once(floorS);

        // sanity: both paths answer, with the same text
        sanity(triton, prompt, gatewayUrl, gatewayB, gatewayS, directA, directS);

        // 2. warm-up
        section("Warm-up (closed loop, " + o.concurrency() + " in flight, discarded)");
        if (o.warmupSeconds() > 0) {
            out.println("  each path: at least " + num(o.warmupSeconds()) + " s and " + o.warmupRequests()
                    + " requests and until the rate settles, at most " + num(o.warmupMaxSeconds())
                    + " s (streams: half of each)");
            warm(directA, "whole", o.warmupSeconds(), o.warmupRequests(), o.warmupMaxSeconds(), retry);
            warm(floorB, "whole", o.warmupSeconds(), o.warmupRequests(), o.warmupMaxSeconds(), retry);
            warm(gatewayB, "whole", o.warmupSeconds(), o.warmupRequests(), o.warmupMaxSeconds(), retry);
            warm(directS, "stream", o.warmupSeconds() / 2, o.warmupRequests() / 2, o.warmupMaxSeconds() / 2, retry);
            warm(floorS, "stream", o.warmupSeconds() / 2, o.warmupRequests() / 2, o.warmupMaxSeconds() / 2, retry);
            warm(gatewayS, "stream", o.warmupSeconds() / 2, o.warmupRequests() / 2, o.warmupMaxSeconds() / 2, retry);
        } else {
            out.println("  skipped (--warmup-seconds 0): expect JIT compilation in the numbers");
        }

        // 3. added latency, open loop
        section(String.format(
                Locale.ROOT,
                "Latency, open loop at %s req/s for %s s per path (non-streaming, max_tokens=%d)",
                num(o.rate()),
                num(o.seconds()),
                o.maxTokens()));
        PhaseResult latA = open("latency", directA, o.rate(), o.seconds(), false);
        PhaseResult latF = open("latency", floorB, o.rate(), o.seconds(), false);
        PhaseResult latB = gatewayB == null ? null : open("latency", gatewayB, o.rate(), o.seconds(), false);
        compare("latency from intended send time to complete response (ms)", latA, latF, latB);

        // 4. added time to first token, open loop, streams
        section(String.format(
                Locale.ROOT,
                "Time to first token, open loop at %s req/s for %s s per path (stream=true)",
                num(o.streamRate()),
                num(o.streamSeconds())));
        PhaseResult ttftA = open("ttft", directS, o.streamRate(), o.streamSeconds(), true);
        PhaseResult ttftF = open("ttft", floorS, o.streamRate(), o.streamSeconds(), true);
        PhaseResult ttftB = gatewayS == null ? null : open("ttft", gatewayS, o.streamRate(), o.streamSeconds(), true);
        compare("time from intended send time to first content (ms)", ttftA, ttftF, ttftB);

        // diagnostics: where does the added latency go?
        Diagnostics diag = diagnostics(triton, template, messages, http, gatewayUrl, retry, latA, latB);

        // 5. maximum throughput, closed loop
        section("Maximum throughput, closed loop with " + o.concurrency() + " in flight for "
                + num(o.throughputSeconds()) + " s per path (non-streaming)");
        PhaseResult thrA = closed("throughput", directA, retry);
        PhaseResult thrF = closed("throughput", floorB, retry);
        PhaseResult thrB = gatewayB == null ? null : closed("throughput", gatewayB, retry);
        if (thrB != null && thrF.throughput() > 0) {
            out.printf(
                    Locale.ROOT,
                    "  gateway / floor = %.2f, gateway / direct = %.2f%n",
                    thrB.throughput() / thrF.throughput(),
                    thrB.throughput() / thrA.throughput());
        }

        // 6. resident memory under concurrent large bodies
        String memory = o.bigBodies() > 0 && gatewayUrl != null ? memory(gatewayUrl) : null;

        // 7. two replicas with Redis and PostgreSQL
        if (o.replicas() >= 2 && gateway != null) {
            section("Two replicas: Redis (quotas, credits, tenancy) and PostgreSQL (usage, tenants), closed loop, "
                    + o.concurrency() + " in flight in all, " + num(o.throughputSeconds()) + " s per phase");
            new ReplicaBench(o, out, backend, http, retry, body(false)).run();
        }

        // 8. summary
        if (memory != null) {
            out.println();
            out.println(memory);
        }
        summary(new Paths(latA, latF, latB), new Paths(ttftA, ttftF, ttftB), new Paths(thrA, thrF, thrB), diag);
        if (gateway != null) {
            gateway.close();
            if (o.keepGatewayLog()) {
                out.println();
                out.println("gateway log kept: " + gateway.log());
            } else {
                gateway.deleteWorkDir();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------

    void printHeader(String prompt) {
        out.println("# model-gateway benchmark: direct gRPC, the floor bridge and the gateway on the same backend");
        out.println();
        out.println(
                "date:        " + OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        out.println("JDK:         " + System.getProperty("java.vm.name") + " " + Runtime.version() + " ("
                + System.getProperty("java.vm.vendor") + ")");
        out.println("OS / CPU:    " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch") + ", " + cpuModel());
        out.println("cores:       " + Runtime.getRuntime().availableProcessors() + " available to the JVM"
                + " -- SHARED by the load generator, the model server (both in this JVM) and the gateway"
                + " (a separate JVM): every path competes with its own load generator for CPU, so absolute"
                + " numbers are pessimistic; compare the paths with each other");
        out.println("load avg:    " + loadAverage() + " (1/5/15 min, before the run; other processes on this"
                + " machine compete for the same cores: see the CPU line of each phase)");
        out.println("bench JVM:   -Xmx" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + "m, args "
                + ManagementFactory.getRuntimeMXBean().getInputArguments());
        out.printf(
                Locale.ROOT,
                "options:     rate %s req/s x %s s, stream rate %s req/s x %s s, warm-up %s-%s s"
                        + " / %d requests, concurrency %d x %s s, diagnostics %s s, max_tokens %d%n",
                num(o.rate()),
                num(o.seconds()),
                num(o.streamRate()),
                num(o.streamSeconds()),
                num(o.warmupSeconds()),
                num(o.warmupMaxSeconds()),
                o.warmupRequests(),
                o.concurrency(),
                num(o.throughputSeconds()),
                num(o.diagSeconds()),
                o.maxTokens());
        out.println("request:     one user message of " + o.prompt().split("\\s+").length + " words; rendered with"
                + " the 'plain' chat template the prompt is " + prompt.split("\\s+").length + " words: "
                + json(prompt));
        out.println();
        printMethod();
    }

    private void printMethod() {
        out.println("## Method");
        out.println("""
                - Backend: the repository's model server (Triton gRPC protocol) with the deterministic 'echo'
                  model and no artificial delays: it answers the words of its prompt, one token per word, up to
                  max_tokens. The backend is nearly free, so what is measured is transport and gateway overhead.
                - Path A, direct: TritonClient.generate (the gateway's own gRPC client: ModelStreamInfer, one
                  shared channel, directExecutor) with the prompt rendered once, up front, by the same 'plain'
                  chat template the gateway uses, so the backend does identical work on both paths.
                - Path B, gateway: POST /v1/chat/completions (OpenAI body, Bearer key) over HTTP/1.1 keep-alive
                  with reactor-netty's HttpClient (pooled connections, event-loop threads, no thread per
                  request). A success is status 200 with "finish_reason" in the body (streams: 200, a content
                  chunk and data: [DONE]). Path B includes the HTTP client's own cost, as any caller pays it.
                - Open loop (latency and TTFT phases): request i is due at t0 + i/rate and its latency is taken
                  from that due time, not from when it was actually sent (coordinated-omission-correct: a stall
                  of the gateway, the generator or a GC delays the measurement of every request due meanwhile).
                  The generator sleeps with parkNanos; its lateness ("generator lag") is part of both paths.
                  Latencies go into HdrHistograms at 1 us resolution, 3 significant digits.
                - Path F, floor bridge (FloorBridge, its own JVM): the unavoidable work only (Reactor Netty,
                  Jackson streaming parse, the same template and one ModelStreamInfer call, JSON/SSE back).
                - Added latency = the gateway's percentile minus the floor bridge's, percentile by percentile
                  (the paths run one after the other, never at the same time). Every target is relative to
                  the floor in the same run; server CPU per call = the process's CPU time / its calls.
                - TTFT: stream=true; direct = time to the first onDelta with text; gateway = time to the first
                  SSE data: event whose JSON has a non-empty "content".
                - Throughput: closed loop, a fixed number of requests in flight, each completion sends the next;
                  req/s = successful responses completed within the window / window length.
                - Errors: any non-200, malformed answer, gRPC error, I/O error, request left unanswered 10 s
                  after its phase, or request refused by the generator's in-flight cap is counted and printed.
                - Warm-up: both paths, both modes, closed loop in 5 s chunks, before anything is measured:
                  at least --warmup-seconds and --warmup-requests per path and until the rate stops rising
                  and (floor, gateway) the JIT compiler threads use under 0.1 core, at most
                  --warmup-max-seconds (streams: half of each). The measured phases
                  then run direct first, gateway second. Before each measured phase the bench waits (at most
                  60 s) until the whole machine uses under 0.1 core, so that one server's work left over from
                  the phase before (usage records being stored, compilation) does not land in another's.
                - CPU line of each phase: cores used by this JVM (generator + model server), the gateway
                  process, other processes on the machine, the kernel's interrupt handling (the loopback
                  network's packets), the hypervisor's steal (other guests ran) and idle, from /proc.
                - Diagnostics (not targets) split the added latency: a bare reactor-netty HTTP server in this
                  JVM (the floor of one HTTP hop with this client), the gateway's GET /v1/models (HTTP + Spring
                  WebFlux + authentication, no backend call), and the direct path rendering the chat template
                  per request.
                """);
    }

    private void sanity(
            TritonClient triton,
            String prompt,
            String gatewayUrl,
            Target gatewayB,
            Target gatewayS,
            Target directA,
            Target directS)
            throws Exception {
        section("Sanity check (one request per path and mode)");
        String direct = DirectTarget.generateText(triton, o.model(), prompt, o.maxTokens(), false);
        out.println("  direct answer:  " + json(direct));
        once(directA);
        once(directS);
        if (gatewayUrl == null) {
            return;
        }
        java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> res = jdk.send(
                HttpRequest.newBuilder(URI.create(gatewayUrl + CHAT_PATH))
                        .timeout(Duration.ofSeconds(15))
                        .header("Authorization", "Bearer " + o.apiKey())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body(false)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
            throw new IllegalStateException("the gateway answered " + res.statusCode() + ": " + res.body());
        }
        String content = contentOf(res.body());
        out.println("  gateway answer: " + json(content == null ? res.body() : content));
        if (content == null || !content.strip().equals(direct.strip())) {
            out.println("  WARNING: the gateway's answer differs from the direct answer: the two paths may not do"
                    + " the same backend work (body: " + res.body() + ")");
        } else {
            out.println("  same text on both paths: OK");
        }
        once(gatewayB);
        once(gatewayS);
    }

    /** Sends one request through a target and fails unless it succeeds. */
    private void once(Target t) throws Exception {
        CompletableFuture<String> f = new CompletableFuture<>();
        t.send(new Target.Callback() {
            @Override
            public void done(long firstTokenNanos, long endNanos) {
                f.complete(null);
            }

            @Override
            public void failed(String kind, String detail) {
                f.complete(kind + ": " + detail);
            }
        });
        String problem = f.get(15, TimeUnit.SECONDS);
        if (problem != null) {
            throw new IllegalStateException(t.name() + " failed its sanity request: " + problem);
        }
    }

    /**
     * Closed loop in chunks of 5 s until at least {@code minSeconds} passed, {@code minRequests} succeeded
     * and the rate has settled (two chunks in a row no more than 5% faster than the best chunk before
     * them) and, for the floor and the gateway, their JIT compiler threads used under 0.1 core in the last chunk
     * (the JIT is done with the hot paths), but never longer than {@code maxSeconds}. A JVM as large as the gateway keeps
     * compiling for a minute or more under load; measuring before that measures the compiler.
     */
    private void warm(
            Target t,
            String mode,
            double minSeconds,
            long minRequests,
            double maxSeconds,
            ScheduledExecutorService retry)
            throws InterruptedException {
        if (t == null) {
            return;
        }
        warm(
                out,
                t,
                serverPids.getOrDefault(t.name(), -1L),
                o.concurrency(),
                mode,
                minSeconds,
                minRequests,
                maxSeconds,
                retry);
    }

    /** {@link #warm(Target, String, double, long, double, ScheduledExecutorService)} of a server with process {@code pid} (-1: none seen). */
    static void warm(
            PrintStream out,
            Target t,
            long pid,
            int concurrency,
            String mode,
            double minSeconds,
            long minRequests,
            double maxSeconds,
            ScheduledExecutorService retry)
            throws InterruptedException {
        if (minSeconds <= 0) {
            return;
        }
        long t0 = System.nanoTime();
        double lastJit = -1;
        double chunk = Math.min(5, minSeconds);
        long ok = 0;
        long failures = 0;
        String errors = "";
        List<String> rates = new java.util.ArrayList<>();
        double best = -1;
        int flat = 0;
        String end;
        while (true) {
            CpuMeter.Sample c0 = CpuMeter.sample(pid);
            PhaseResult r = Load.closedLoop("warm-up", t, concurrency, chunk, WARMUP_MAX_REQUESTS, retry);
            lastJit = CpuMeter.jitCores(
                    c0, CpuMeter.sample(pid), Runtime.getRuntime().availableProcessors());
            ok += r.okCount();
            failures += r.failures();
            if (r.failures() > 0) {
                errors = errorSummary(r);
            }
            double rate = r.throughput();
            rates.add(String.format(Locale.ROOT, "%.0f", rate));
            double spent = (System.nanoTime() - t0) / 1e9;
            flat = best > 0 && rate <= best * 1.05 ? flat + 1 : 0;
            best = Math.max(best, rate);
            // JIT done: the rate stopped rising and, for a server whose threads we can see, its compiler threads
            // are nearly idle (a large JVM still compiling at a flat rate is not warm yet)
            boolean settled = flat >= 2 && (lastJit < 0 || lastJit < SETTLED_JIT_CORES);
            if (spent >= minSeconds && ok >= minRequests && settled) {
                end = "settled";
                break;
            }
            if (spent + chunk > maxSeconds) {
                end = settled ? "settled, at the time cap" : "NOT settled at the time cap";
                break;
            }
        }
        double spent = (System.nanoTime() - t0) / 1e9;
        out.printf(
                Locale.ROOT,
                "  %-24s %-7s %8d ok in %5.1f s, %d errors%s; req/s per %s s chunk: %s (%s)%s%n",
                t.name(),
                mode,
                ok,
                spent,
                failures,
                errors,
                num(chunk),
                String.join(" ", rates),
                end,
                lastJit < 0
                        ? ""
                        : String.format(Locale.ROOT, "; JIT compiler threads in the last chunk: %.2f cores", lastJit));
        System.gc();
    }

    private final String loadAverageAtStart = loadAverage();

    private PhaseResult open(String phase, Target t, double rate, double seconds, boolean firstToken)
            throws InterruptedException {
        System.gc();
        awaitQuiet(t);
        long pid = serverPids.getOrDefault(t.name(), -1L);
        boolean profile = phase.equals("latency") && pid > 0;
        profileStart(profile, pid);
        CpuMeter.Sample c0 = CpuMeter.sample(pid);
        PhaseResult r = Load.openLoop(phase, t, rate, seconds, firstToken, o.maxInFlight());
        CpuMeter.Sample c1 = CpuMeter.sample(pid);
        Path graph = profileStop(profile, pid, phase + "-" + t.name());
        Percentiles lag = r.sendLag();
        out.printf(
                Locale.ROOT,
                "  %-24s sent %d, ok %d, errors %d, unfinished %d | generator lag p50 %s p99 %s max %s ms%n",
                t.name(),
                r.sentCount(),
                r.okCount(),
                r.errorCount(),
                r.unfinished(),
                Percentiles.ms(lag.p50()),
                Percentiles.ms(lag.p99()),
                Percentiles.ms(lag.max()));
        cpu(phase, t, c0, c1, r);
        printErrors(r);
        printProfile(graph, CpuMeter.microsPerCall(c0, c1, r.okCount()));
        return r;
    }

    /**
     * Waits (at most {@link #QUIET_MAX_SECONDS}) until the whole machine is nearly idle before a measured phase, so
     * that what a server does after the previous phase (the gateway storing the usage records of its warm-up,
     * compiling, collecting) does not land in the next path's numbers: the floor's phase used to follow the
     * gateway's warm-up and count its background work as "other processes".
     */
    private void awaitQuiet(Target next) throws InterruptedException {
        int cores = Runtime.getRuntime().availableProcessors();
        long start = System.nanoTime();
        double busy = -1;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(QUIET_MAX_SECONDS)) {
            CpuMeter.Sample a = CpuMeter.sample(-1);
            Thread.sleep(500);
            busy = CpuMeter.busyCores(a, CpuMeter.sample(-1), cores);
            if (busy < QUIET_CORES) {
                break;
            }
        }
        double waited = (System.nanoTime() - start) / 1e9;
        if (busy >= QUIET_CORES) {
            out.printf(
                    Locale.ROOT,
                    "  (before %s: the machine was still busy after %.0f s, %.2f cores)%n",
                    next.name(),
                    waited,
                    busy);
        } else if (waited > 1) {
            out.printf(Locale.ROOT, "  (before %s: waited %.1f s for the machine to be quiet)%n", next.name(), waited);
        }
    }

    /** Cores busy on the whole machine (every process, the kernel) under which it counts as quiet. */
    private static final double QUIET_CORES = 0.1;

    private static final int QUIET_MAX_SECONDS = 60;

    private PhaseResult closed(String phase, Target t, ScheduledExecutorService retry) throws InterruptedException {
        System.gc();
        awaitQuiet(t);
        long pid = serverPids.getOrDefault(t.name(), -1L);
        boolean profile = pid > 0;
        profileStart(profile, pid);
        CpuMeter.Sample c0 = CpuMeter.sample(pid);
        PhaseResult r =
                Load.closedLoop(phase, t, o.concurrency(), o.throughputSeconds(), THROUGHPUT_MAX_REQUESTS, retry);
        CpuMeter.Sample c1 = CpuMeter.sample(pid);
        Path graph = profileStop(profile, pid, phase + "-" + t.name());
        Percentiles p = r.latency();
        out.printf(
                Locale.ROOT,
                "  %-24s %9.0f req/s  (ok %d, errors %d, unfinished %d; per-request time p50 %s p99 %s ms)%n",
                t.name(),
                r.throughput(),
                r.okCount(),
                r.errorCount(),
                r.unfinished(),
                Percentiles.ms(p.p50()),
                Percentiles.ms(p.p99()));
        cpu(phase, t, c0, c1, r);
        printErrors(r);
        printProfile(graph, CpuMeter.microsPerCall(c0, c1, r.okCount()));
        return r;
    }

    /** The flame graph of the phase and its CPU samples by call stage ({@link StageSplit}). */
    private void printProfile(Path graph, double cpuPerCallMicros) {
        if (graph == null) {
            return;
        }
        out.println("      flame graph: " + graph);
        try {
            out.println("      CPU samples by stage (share, and the CPU per call it stands for):");
            StageSplit.read(Profiler.collapsed(graph))
                    .lines(cpuPerCallMicros)
                    .forEach(line -> out.println("        " + line));
        } catch (IOException | RuntimeException e) {
            out.println("      (no stage split: " + e + ")");
        }
    }

    private void cpu(String phase, Target t, CpuMeter.Sample c0, CpuMeter.Sample c1, PhaseResult r) {
        int cores = Runtime.getRuntime().availableProcessors();
        boolean server = serverPids.containsKey(t.name());
        String line = CpuMeter.describe(c0, c1, cores, server ? t.name() : null);
        double perCall = CpuMeter.microsPerCall(c0, c1, r.okCount());
        if (server && perCall > 0) {
            cpuPerCall.put(phase + "/" + t.name(), perCall);
            line += String.format(
                    Locale.ROOT,
                    " | %s CPU per call %.0f us (%.0f us of it JIT compiler threads)",
                    t.name(),
                    perCall,
                    CpuMeter.jitMicrosPerCall(c0, c1, r.okCount()));
        }
        out.println("      " + line);
        double others = CpuMeter.otherCores(c0, c1, cores);
        double steal = CpuMeter.stealCores(c0, c1, cores);
        if ((others > 0.25 || steal > 0.25) && !phase.equals("diag")) {
            disturbed.add(String.format(
                    Locale.ROOT, "%s / %s: other processes %.2f cores, steal %.2f", phase, t.name(), others, steal));
        }
    }

    private void profileStart(boolean profile, long pid) {
        if (profiler == null || !profile) {
            return;
        }
        try {
            profiler.start(pid);
        } catch (Exception e) {
            out.println("      (profiler did not start: " + e.getMessage() + ")");
        }
    }

    /** Stops the profiler; the flame graph written, or null. */
    private Path profileStop(boolean profile, long pid, String name) {
        if (profiler == null || !profile) {
            return null;
        }
        Path html = o.profileDir().resolve(name.replace(' ', '-') + ".html");
        try {
            profiler.stop(pid, html);
            return html;
        } catch (Exception e) {
            out.println("      (profiler did not stop: " + e.getMessage() + ")");
            return null;
        }
    }

    private long gatewayPid() {
        return gateway == null ? -1 : gateway.pid();
    }

    private void compare(String title, PhaseResult a, PhaseResult f, PhaseResult b) {
        out.println();
        out.println(Percentiles.header(title.length() > 22 ? "(ms)" : title));
        out.println(a.latency().row(a.path + " (A)"));
        out.println(f.latency().row(f.path + " (F)"));
        if (b != null) {
            out.println(b.latency().row(b.path + " (B)"));
            out.println(b.latency().minus(f.latency()).row("added over floor (B-F)"));
        }
        out.println("  (" + title + ")");
    }

    private void printErrors(PhaseResult r) {
        r.errorsByKind()
                .forEach((kind, n) -> out.println("      error: " + n + " x " + kind + " -- e.g. " + r.sample(kind)));
        if (r.unfinished() > 0) {
            out.println("      error: " + r.unfinished() + " x no answer within " + Load.DRAIN.toSeconds()
                    + " s after the phase");
        }
    }

    private static String errorSummary(PhaseResult r) {
        return r.failures() == 0
                ? ""
                : " " + r.errorsByKind() + (r.unfinished() > 0 ? " unfinished " + r.unfinished() : "");
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * {@code --big-bodies} concurrent chat requests of just under 4 MB each (the default max-request-body), three
     * rounds, to the floor and then the gateway, while their resident memory is sampled every 20 ms.
     */
    private String memory(String gatewayUrl) throws Exception {
        int n = o.bigBodies();
        section("Resident memory: " + n + " concurrent 4 MB request bodies, 3 rounds per path");
        String words = "lorem ".repeat((4 * 1024 * 1024 - 4096) / 6);
        String big = "{\"model\":" + json(o.model()) + ",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + words + "\"}]}";
        java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        StringBuilder report = new StringBuilder("| resident memory, " + n + " concurrent 4 MB bodies x 3 rounds"
                + " | before | peak during | statuses |\n|---|---|---|---|\n");
        for (String[] path : new String[][] {{"floor bridge", floor.url()}, {"gateway", gatewayUrl}}) {
            long pid = path[0].equals("gateway") ? gatewayPid() : floor.pid();
            if (pid <= 0) {
                continue;
            }
            long before = rssKb(pid);
            long[] peak = {before};
            java.util.concurrent.atomic.AtomicBoolean sampling = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread sampler = new Thread(
                    () -> {
                        while (sampling.get()) {
                            peak[0] = Math.max(peak[0], rssKb(pid));
                            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000);
                        }
                    },
                    "bench-rss");
            sampler.setDaemon(true);
            sampler.start();
            java.util.Map<Integer, Integer> statuses = new java.util.TreeMap<>();
            for (int round = 0; round < 3; round++) {
                List<CompletableFuture<HttpResponse<String>>> calls = new java.util.ArrayList<>();
                for (int i = 0; i < n; i++) {
                    calls.add(jdk.sendAsync(
                            HttpRequest.newBuilder(URI.create(path[1] + CHAT_PATH))
                                    .timeout(Duration.ofSeconds(120))
                                    .header("Authorization", "Bearer " + o.apiKey())
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(big))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                for (CompletableFuture<HttpResponse<String>> c : calls) {
                    int status;
                    try {
                        status = c.get(180, TimeUnit.SECONDS).statusCode();
                    } catch (Exception e) {
                        status = -1;
                    }
                    statuses.merge(status, 1, Integer::sum);
                }
            }
            sampling.set(false);
            sampler.join();
            String line = String.format(
                    Locale.ROOT, "| %s | %d MiB | %d MiB | %s |", path[0], before / 1024, peak[0] / 1024, statuses);
            out.println("  " + line);
            report.append(line).append('\n');
        }
        return report.toString();
    }

    /** VmRSS of a process in KiB, or 0. */
    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception ignored) {
            // not Linux, or the process is gone
        }
        return 0;
    }

    // ---------------------------------------------------------------------------------------------

    /** Results of the diagnostic phases (null when not run). */
    private record Diagnostics(PhaseResult floor, PhaseResult models, PhaseResult directRender, double renderMicros) {}

    private Diagnostics diagnostics(
            TritonClient triton,
            ChatTemplate template,
            List<ChatMessage> messages,
            HttpClient http,
            String gatewayUrl,
            ScheduledExecutorService retry,
            PhaseResult latA,
            PhaseResult latB)
            throws Exception {
        section("Diagnostics (not targets): where the added latency goes, open loop at " + num(o.rate()) + " req/s for "
                + num(o.diagSeconds()) + " s each");
        double renderMicros = renderCost(template, messages);
        out.printf(
                Locale.ROOT,
                "  chat template render ('plain', 1 message) in this JVM: %.2f us per render%n",
                renderMicros);
        if (o.diagSeconds() <= 0) {
            out.println("  phases skipped (--diag-seconds 0)");
            return new Diagnostics(null, null, null, renderMicros);
        }
        double warmSeconds = Math.min(3, o.diagSeconds());
        Target render = new DirectTarget(
                "direct + render/request", triton, o.model(), template, messages, o.maxTokens(), false, true);
        warm(render, "whole", warmSeconds, 0, warmSeconds * 3, retry);
        PhaseResult directRender = open("diag", render, o.rate(), o.diagSeconds(), false);
        PhaseResult floor;
        try (FloorServer fs = new FloorServer()) {
            Target t = HttpTarget.postJson(
                    "bare reactor-netty HTTP", http.baseUrl(fs.url()), CHAT_PATH, body(false), "\"finish_reason\"");
            warm(t, "whole", warmSeconds, 0, warmSeconds * 3, retry);
            floor = open("diag", t, o.rate(), o.diagSeconds(), false);
        }
        PhaseResult models = null;
        if (gatewayUrl != null) {
            Target t = HttpTarget.get("gateway GET /v1/models", http.baseUrl(gatewayUrl), "/v1/models", "\"data\"");
            warm(t, "whole", warmSeconds, 0, warmSeconds * 3, retry);
            models = open("diag", t, o.rate(), o.diagSeconds(), false);
        }
        out.println();
        out.println(Percentiles.header("(ms)"));
        out.println(latA.latency().row("direct gRPC"));
        out.println(directRender.latency().row("direct + render/request"));
        out.println(floor.latency().row("bare reactor-netty HTTP"));
        if (models != null) {
            out.println(models.latency().row("gateway /v1/models"));
        }
        if (latB != null) {
            out.println(latB.latency().row("gateway chat"));
        }
        out.println("  (bare HTTP = one loopback HTTP/1.1 exchange with this client and a server doing nothing;");
        out.println("   /v1/models = gateway HTTP stack + authentication, no backend; chat = the whole path)");
        return new Diagnostics(floor, models, directRender, renderMicros);
    }

    /** Average cost of one render of the template, measured in this JVM after a warm-up (2.5 s in all). */
    private static double renderCost(ChatTemplate template, List<ChatMessage> messages) {
        int sink = 0;
        long warmEnd = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        for (int i = 0; i < 1_000_000 && System.nanoTime() < warmEnd; i++) {
            sink += template.render(messages, true).length();
        }
        int n = 0;
        long t0 = System.nanoTime();
        long end = t0 + TimeUnit.MILLISECONDS.toNanos(1000);
        while (n < 1_000_000 && System.nanoTime() < end) {
            sink += template.render(messages, true).length();
            n++;
        }
        long spent = System.nanoTime() - t0;
        if (sink == 42) {
            System.out.print("");
        }
        return n == 0 ? 0 : spent / 1000.0 / n;
    }

    // ---------------------------------------------------------------------------------------------

    /** One phase's results on the three paths (gateway null when skipped). */
    private record Paths(PhaseResult direct, PhaseResult floor, PhaseResult gateway) {}

    private void summary(Paths lat, Paths ttft, Paths thr, Diagnostics diag) {
        Percentiles added = lat.gateway() == null
                ? null
                : lat.gateway().latency().minus(lat.floor().latency());
        Percentiles addedTtft = ttft.gateway() == null
                ? null
                : ttft.gateway().latency().minus(ttft.floor().latency());
        Double ratio = thr.gateway() == null || thr.floor().throughput() <= 0
                ? null
                : thr.gateway().throughput() / thr.floor().throughput();
        Double cpuLat = cpuRatio("latency");
        Double cpuThr = cpuRatio("throughput");
        String at = " at " + num(o.rate()) + " req/s" + (o.rate() == 1000 ? "" : " (target set for 1000 req/s)");
        List<Goal> goals = List.of(
                Goal.atMost("added latency over the floor p50" + at, 0.1, ms(added, Percentiles::p50), "ms"),
                Goal.atMost("added latency over the floor p90" + at, 0.3, ms(added, Percentiles::p90), "ms"),
                Goal.atMost(
                        "added time to first token over the floor p50 at " + num(o.streamRate()) + " req/s",
                        0.1,
                        ms(addedTtft, Percentiles::p50),
                        "ms"),
                Goal.atLeast("throughput gateway / floor, " + o.concurrency() + " in flight", 0.8, ratio, ""),
                Goal.atMost("CPU per call gateway / floor" + at, 1.5, cpuLat, ""),
                Goal.atMost(
                        "CPU per call gateway / floor at saturation (" + o.concurrency() + " in flight)",
                        1.5,
                        cpuThr,
                        ""));

        section("Summary (Markdown, for the README)");
        out.println();
        out.printf(
                Locale.ROOT,
                "Measured %s on %s, %d cores shared by the load generator, the model server, the floor"
                        + " bridge and the gateway; %s %s; load average before the run %s. Echo model without delays,"
                        + " max_tokens=%d. \"Added\" = gateway percentile minus floor-bridge percentile; latencies are"
                        + " open-loop, from each request's intended send time (coordinated-omission-correct).%n",
                OffsetDateTime.now(ZoneOffset.UTC).toLocalDate(),
                cpuModel(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"),
                Runtime.version(),
                loadAverageAtStart,
                o.maxTokens());
        out.println();
        out.println("| target (gateway vs floor, same run) | target | measured | result |");
        out.println("|---|---|---|---|");
        for (Goal g : goals) {
            out.println("| " + g.what() + " | " + g.target() + " | " + g.measuredText() + " | " + g.verdict() + " |");
        }
        out.println();
        out.println("| path | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | requests | errors | server CPU us/call |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        mdRow("direct gRPC, " + num(o.rate()) + " req/s", lat.direct().latency(), lat.direct(), null);
        mdRow(
                "floor bridge, " + num(o.rate()) + " req/s",
                lat.floor().latency(),
                lat.floor(),
                cpu("latency", "floor bridge"));
        if (lat.gateway() != null) {
            mdRow(
                    "gateway, " + num(o.rate()) + " req/s",
                    lat.gateway().latency(),
                    lat.gateway(),
                    cpu("latency", "gateway HTTP"));
            mdRow("**gateway - floor**", added, null, null);
        }
        mdRow("direct TTFT, " + num(o.streamRate()) + " req/s", ttft.direct().latency(), ttft.direct(), null);
        mdRow(
                "floor TTFT, " + num(o.streamRate()) + " req/s",
                ttft.floor().latency(),
                ttft.floor(),
                cpu("ttft", "floor bridge"));
        if (ttft.gateway() != null) {
            mdRow(
                    "gateway TTFT, " + num(o.streamRate()) + " req/s",
                    ttft.gateway().latency(),
                    ttft.gateway(),
                    cpu("ttft", "gateway HTTP"));
            mdRow("**gateway - floor TTFT**", addedTtft, null, null);
        }
        if (diag.floor() != null) {
            mdRow(
                    "diag: direct + template render per request",
                    diag.directRender().latency(),
                    diag.directRender(),
                    null);
            mdRow(
                    "diag: bare reactor-netty HTTP hop (canned answer)",
                    diag.floor().latency(),
                    diag.floor(),
                    null);
            if (diag.models() != null) {
                mdRow("diag: gateway GET /v1/models", diag.models().latency(), diag.models(), null);
            }
        }
        out.println();
        out.println(
                "| throughput, closed loop, " + o.concurrency() + " in flight | req/s | errors | server CPU us/call |");
        out.println("|---|---|---|---|");
        out.printf(
                Locale.ROOT,
                "| direct gRPC | %.0f | %d | |%n",
                thr.direct().throughput(),
                thr.direct().failures());
        out.printf(
                Locale.ROOT,
                "| floor bridge | %.0f | %d | %s |%n",
                thr.floor().throughput(),
                thr.floor().failures(),
                micros(cpu("throughput", "floor bridge")));
        if (thr.gateway() != null) {
            out.printf(
                    Locale.ROOT,
                    "| gateway | %.0f | %d | %s |%n",
                    thr.gateway().throughput(),
                    thr.gateway().failures(),
                    micros(cpu("throughput", "gateway HTTP")));
            out.printf(
                    Locale.ROOT,
                    "| gateway / floor | %.2f | | %s |%n",
                    ratio == null ? 0 : ratio,
                    cpuThr == null ? "" : String.format(Locale.ROOT, "%.2f", cpuThr));
        }
        long errors = 0;
        for (Paths ps : List.of(lat, ttft, thr)) {
            for (PhaseResult r : java.util.Arrays.asList(ps.direct(), ps.floor(), ps.gateway())) {
                errors += r == null ? 0 : r.failures();
            }
        }
        out.println();
        out.println("Errors in measured phases: " + errors + (errors == 0 ? "" : " (see the phase output above)"));
        if (!disturbed.isEmpty()) {
            out.println("WARNING: other processes on this machine, or other guests of its hypervisor (steal), took"
                    + " CPU during measured phases (" + String.join("; ", disturbed)
                    + "): those numbers are disturbed; rerun on a quiet machine.");
        }
        long met = goals.stream().filter(Goal::measuredAndMet).count();
        long measured = goals.stream().filter(g -> g.measured() != null).count();
        out.println("Targets met: " + met + " of " + goals.size()
                + (measured < goals.size() ? " (" + (goals.size() - measured) + " not measured)" : ""));
    }

    private Double cpu(String phase, String path) {
        return cpuPerCall.get(phase + "/" + path);
    }

    private Double cpuRatio(String phase) {
        Double g = cpu(phase, "gateway HTTP");
        Double f = cpu(phase, "floor bridge");
        return g == null || f == null || f <= 0 ? null : g / f;
    }

    private static String micros(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.0f", v);
    }

    private void mdRow(String label, Percentiles p, PhaseResult r, Double cpuMicros) {
        StringBuilder sb = new StringBuilder("| ").append(label);
        for (long v : p.values()) {
            sb.append(" | ").append(p.isEmpty() ? "n/a" : Percentiles.ms(v));
        }
        sb.append(" | ").append(r == null ? "" : String.valueOf(r.sentCount()));
        sb.append(" | ").append(r == null ? "" : String.valueOf(r.failures()));
        sb.append(" | ").append(micros(cpuMicros)).append(" |");
        out.println(sb);
    }

    private static Double ms(Percentiles p, java.util.function.ToLongFunction<Percentiles> f) {
        return p == null || p.isEmpty() ? null : f.applyAsLong(p) / 1000.0;
    }

    // ---------------------------------------------------------------------------------------------

    private void section(String title) {
        out.println();
        out.println("## " + title);
    }

    private String body(boolean stream) {
        return "{\"model\":" + json(o.model()) + ",\"messages\":[{\"role\":\"user\",\"content\":" + json(o.prompt())
                + "}],\"max_tokens\":" + o.maxTokens() + (stream ? ",\"stream\":true" : "") + "}";
    }

    static String num(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** A JSON string literal. */
    static String json(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    /** The first {@code "content":"..."} string of a chat completion (simple escapes only), or null. */
    static String contentOf(String body) {
        int k = body.indexOf("\"content\":\"");
        if (k < 0) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = k + 11; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\' && i + 1 < body.length()) {
                char e = body.charAt(++i);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'u' -> {
                        if (i + 4 < body.length()) {
                            sb.append((char) Integer.parseInt(body.substring(i + 1, i + 5), 16));
                            i += 4;
                        }
                    }
                    default -> sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
        return null;
    }

    /** Path, size and modification time of a file, to tell builds apart in the output. */
    private static String describe(Path file) {
        try {
            return file.toAbsolutePath().normalize() + " (" + Files.size(file) + " bytes, modified "
                    + Files.getLastModifiedTime(file) + ")";
        } catch (Exception e) {
            return file + " (not found)";
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "n/a";
        }
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception ignored) {
            // not Linux
        }
        return "unknown CPU";
    }
}
