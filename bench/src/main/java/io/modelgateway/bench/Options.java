package io.modelgateway.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Command-line options ({@code --name value} or {@code --name=value}). */
record Options(
        double rate,
        double seconds,
        double warmupSeconds,
        long warmupRequests,
        double warmupMaxSeconds,
        double streamRate,
        double streamSeconds,
        int concurrency,
        double throughputSeconds,
        double diagSeconds,
        int maxTokens,
        Path gatewayJar,
        boolean skipGateway,
        String gatewayUrl,
        String backend,
        String apiKey,
        String model,
        String prompt,
        String gatewayHeap,
        int maxInFlight,
        boolean keepGatewayLog,
        List<String> gatewayArgs,
        Path profileDir,
        String gatewayJavaOpts,
        int bigBodies,
        int replicas) {

    static final String DEFAULT_PROMPT = "The quick brown fox jumps over the lazy dog while the model gateway "
            + "measures how much time it adds to every request that passes through it on the way to the backend";

    static final String USAGE = """
            Usage: java -jar bench/target/bench.jar [options]      (from the repository root)

              --rate N                open-loop rate of the latency phase, req/s        (default 1000)
              --seconds S             duration of the latency phase, per path           (default 20)
              --warmup-seconds S      closed-loop warm-up per path, at least            (default 10)
              --warmup-requests N     ... and at least this many requests               (default 20000)
              --warmup-max-seconds S  ... and until the rate settles, at most           (default 90)
                                      (streams get half of each)
              --stream-rate N         open-loop rate of the time-to-first-token phase   (default 200)
              --stream-seconds S      duration of the time-to-first-token phase         (default: --seconds)
              --concurrency C         in-flight requests of the throughput phase        (default 64)
              --throughput-seconds S  duration of the throughput phase, per path        (default 15)
              --diag-seconds S        duration of each diagnostic phase, 0 = skip       (default 5)
              --max-tokens N          max_tokens of every request                       (default 16)
              --prompt TEXT           the user message (the echo model answers its words)
              --gateway-jar PATH      gateway jar to start (default gateway/target/gateway.jar)
              --gateway-heap SIZE     -Xmx of the gateway process                       (default 512m)
              --gateway-arg ARG       extra argument for the gateway process (repeatable),
                                      e.g. --gateway-arg=--logging.level.root=warn
              --gateway-url URL       use an already running gateway (http://127.0.0.1:port);
                                      its deployment must point at --backend
              --backend HOST:PORT     direct path target (default: the in-process model server)
              --api-key KEY           key sent to the gateway                           (default sk-bench)
              --model NAME            deployment / backend model                        (default echo)
              --max-in-flight N       open-loop cap on open requests; beyond it requests are
                                      refused and counted as errors                     (default 10000)
              --keep-gateway-log      keep the gateway's scratch directory and log (it is kept anyway
                                      when the run fails)
              --skip-gateway          measure the direct path only
              --gateway-java-opts S   JVM options of the gateway process (JAVA_TOOL_OPTIONS), e.g. the
                                      chart's: "-XX:MaxDirectMemorySize=256m -Xss512k"
              --big-bodies N          memory phase: N concurrent 4 MB requests, 3 rounds, resident
                                      memory of the gateway and the floor printed; 0 = skip (default 24)
              --profile DIR           CPU flame graphs (async-profiler, HTML) of the gateway and the
                                      floor bridge during the 1,000 req/s and the throughput phases
              --replicas N            2: a last phase with two gateway processes sharing Redis (quotas,
                                      credits, tenancy; a redis-server of the bench's own) and PostgreSQL
                                      (usage, tenants; a schema of its own, -Dbench.pg), the client
                                      splitting the load: throughput per replica against one replica in
                                      the same setup, and Redis commands per call        (default 1: skip)
              --help
            """;

    static Options defaults() {
        return parse(new String[0]);
    }

    static Options parse(String[] args) {
        double rate = 1000;
        double seconds = 20;
        double warmup = 10;
        long warmupRequests = 20_000;
        double warmupMax = 90;
        double streamRate = 200;
        Double streamSeconds = null;
        int concurrency = 64;
        double throughputSeconds = 15;
        double diagSeconds = 5;
        int maxTokens = 16;
        Path jar = Path.of("gateway", "target", "gateway.jar");
        boolean skip = false;
        boolean keepLog = false;
        String url = null;
        String backend = null;
        String key = "sk-bench";
        String model = "echo";
        String prompt = DEFAULT_PROMPT;
        String heap = "512m";
        int maxInFlight = 10_000;
        List<String> extra = new ArrayList<>();
        Path profile = null;
        String javaOpts = "";
        int bigBodies = 24;
        int replicas = 1;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (name.equals("--skip-gateway")) {
                skip = true;
                continue;
            }
            if (name.equals("--keep-gateway-log")) {
                keepLog = true;
                continue;
            }
            if (name.equals("--help") || name.equals("-h")) {
                throw new IllegalArgumentException("help");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value for " + name);
                }
                value = args[++i];
            }
            switch (name) {
                case "--rate" -> rate = positive(name, value, 100_000);
                case "--seconds" -> seconds = positive(name, value, 3600);
                case "--warmup-seconds" -> warmup = nonNegative(name, value, 3600);
                case "--warmup-requests" -> warmupRequests = (long) nonNegative(name, value, 10_000_000);
                case "--warmup-max-seconds" -> warmupMax = nonNegative(name, value, 3600);
                case "--stream-rate" -> streamRate = positive(name, value, 100_000);
                case "--stream-seconds" -> streamSeconds = positive(name, value, 3600);
                case "--concurrency" -> concurrency = (int) positive(name, value, 4096);
                case "--throughput-seconds" -> throughputSeconds = positive(name, value, 3600);
                case "--diag-seconds" -> diagSeconds = nonNegative(name, value, 3600);
                case "--max-tokens" -> maxTokens = (int) positive(name, value, 4096);
                case "--prompt" -> prompt = value;
                case "--gateway-jar" -> jar = Path.of(value);
                case "--gateway-heap" -> heap = value;
                case "--gateway-arg" -> extra.add(value);
                case "--gateway-url" -> url = loopbackUrl(value);
                case "--backend" -> backend = loopbackTarget(value);
                case "--api-key" -> key = value;
                case "--model" -> model = value;
                case "--profile" -> profile = Path.of(value);
                case "--gateway-java-opts" -> javaOpts = value;
                case "--big-bodies" -> bigBodies = (int) nonNegative(name, value, 256);
                case "--replicas" -> replicas = (int) positive(name, value, 2);
                case "--max-in-flight" -> maxInFlight = (int) positive(name, value, 1_000_000);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (prompt.isBlank()) {
            throw new IllegalArgumentException("--prompt must not be blank");
        }
        return new Options(
                rate,
                seconds,
                warmup,
                warmupRequests,
                Math.max(warmup, warmupMax),
                streamRate,
                streamSeconds == null ? seconds : streamSeconds,
                concurrency,
                throughputSeconds,
                diagSeconds,
                maxTokens,
                jar,
                skip,
                url,
                backend,
                key,
                model,
                prompt,
                heap,
                maxInFlight,
                keepLog,
                List.copyOf(extra),
                profile,
                javaOpts,
                bigBodies,
                replicas);
    }

    private static double positive(String name, String value, double max) {
        double v = number(name, value);
        if (!(v > 0) || v > max) {
            throw new IllegalArgumentException(name + " must be > 0 and <= " + max + ": " + value);
        }
        return v;
    }

    private static double nonNegative(String name, String value, double max) {
        double v = number(name, value);
        if (!(v >= 0) || v > max) {
            throw new IllegalArgumentException(name + " must be >= 0 and <= " + max + ": " + value);
        }
        return v;
    }

    private static double number(String name, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number: " + value);
        }
    }

    /** Traffic stays on this machine: only 127.0.0.1 / localhost URLs are accepted. */
    static String loopbackUrl(String value) {
        URI uri = URI.create(value);
        if (!"http".equals(uri.getScheme()) || !isLoopback(uri.getHost()) || uri.getPort() <= 0) {
            throw new IllegalArgumentException("--gateway-url must be http://127.0.0.1:PORT: " + value);
        }
        String s = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
        return s;
    }

    static String loopbackTarget(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || !isLoopback(value.substring(0, colon))) {
            throw new IllegalArgumentException("--backend must be 127.0.0.1:PORT: " + value);
        }
        Integer.parseInt(value.substring(colon + 1));
        return value;
    }

    private static boolean isLoopback(String host) {
        return host != null
                && (host.equals("127.0.0.1") || host.toLowerCase(Locale.ROOT).equals("localhost"));
    }
}
