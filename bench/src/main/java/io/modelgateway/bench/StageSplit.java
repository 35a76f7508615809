package io.modelgateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The gateway's CPU samples of one phase (async-profiler's collapsed stacks) split by call stage: each stack
 * goes to the stage of its innermost frame that names one (the leaf's side wins: Jackson under the request
 * reader is body parsing, a socket write under the access log filter is the edge), see {@link #STAGES}. Printed
 * with the CPU per call each share stands for when the phase's CPU per call is known. A heuristic split by
 * code, not a timer per stage: good enough to see where the time goes and to compare two runs.
 */
final class StageSplit {

    /** A stage and the frame prefixes (class or package names, or native frame names) that belong to it. */
    private record Stage(String name, List<String> prefixes) {}

    private static final String EDGE = "edge and routing (Netty, WebFlux, gate)";
    private static final String OTHER = "other (JDK, Reactor operators, JVM)";

    /**
     * For each frame from the leaf up, the stages are tried in this order (specific names before the catch-all
     * of the gateway's own code); the first frame that names a stage decides. Reactor's operators and the JDK
     * name none: their work counts for the stage that called them.
     */
    private static final List<Stage> STAGES = List.of(
            new Stage("access log", List.of("io.modelgateway.gateway.metering.accesslog.", "ch.qos.logback.")),
            new Stage(
                    "usage record",
                    List.of(
                            "io.modelgateway.billing.usage.",
                            "io.modelgateway.gateway.metering.internal.UsageStage",
                            "org.h2.",
                            "org.postgresql.",
                            "com.zaxxer.hikari.")),
            new Stage("metrics", List.of("io.modelgateway.gateway.metering.", "io.micrometer.")),
            new Stage("credits", List.of("io.modelgateway.gateway.credits.", "io.modelgateway.billing.")),
            new Stage("quota", List.of("io.modelgateway.gateway.quota.", "io.github.bucket4j.")),
            new Stage("policy", List.of("io.modelgateway.gateway.policy.", "com.google.re2j.")),
            new Stage(
                    "body parsing",
                    List.of(
                            "io.modelgateway.gateway.forwarding.internal.GenerationReader",
                            "io.modelgateway.gateway.edge.json.Bodies",
                            "io.modelgateway.gateway.edge.json.Fields",
                            "io.modelgateway.gateway.edge.json.Json")),
            new Stage(
                    EDGE,
                    List.of(
                            "io.modelgateway.gateway.auth.GateFilter",
                            "io.modelgateway.gateway.auth.RouteTable",
                            "io.modelgateway.gateway.auth.PathFirewall",
                            "io.modelgateway.gateway.edge.",
                            "io.netty.",
                            "reactor.netty.",
                            "org.springframework.web.",
                            "org.springframework.http.",
                            "org.springframework.boot.web.",
                            "org.springframework.boot.reactor.")),
            new Stage(
                    "authentication",
                    List.of(
                            "io.modelgateway.gateway.auth.",
                            "io.modelgateway.gateway.tenancy.",
                            "org.springframework.security.")),
            new Stage(
                    "adapter (template, gRPC client)",
                    List.of(
                            "io.modelgateway.inference.",
                            "io.grpc.",
                            "com.hubspot.jinjava.",
                            "com.google.protobuf.",
                            "com.knuddels.jtokkit.")),
            new Stage("pipeline, handler, answer writer", List.of("io.modelgateway.gateway.")),
            new Stage(
                    "JIT compiler",
                    List.of("CompileBroker", "C2Compiler", "Compile::", "C1_", "Compilation::", "CompilerThread")),
            new Stage("GC", List.of("G1", "GCTaskThread", "WorkerThread::run", "ConcurrentGCThread")));

    private final Map<String, Long> samples;
    private final long total;

    private StageSplit(Map<String, Long> samples, long total) {
        this.samples = samples;
        this.total = total;
    }

    static StageSplit read(Path collapsed) throws IOException {
        Map<String, Long> by = new LinkedHashMap<>();
        STAGES.forEach(s -> by.put(s.name(), 0L));
        by.put(OTHER, 0L);
        long total = 0;
        for (String line : Files.readAllLines(collapsed)) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long n = Long.parseLong(line.substring(space + 1).trim());
            total += n;
            by.merge(stageOf(line.substring(0, space).split(";")), n, Long::sum);
        }
        return new StageSplit(by, total);
    }

    static String stageOf(String[] frames) {
        for (int i = frames.length - 1; i >= 0; i--) {
            String frame = frames[i].replace('/', '.');
            for (Stage stage : STAGES) {
                for (String prefix : stage.prefixes()) {
                    if (frame.startsWith(prefix)) {
                        return stage.name();
                    }
                }
            }
        }
        return OTHER;
    }

    /** Lines "stage  share  us/call", largest first; {@code cpuPerCallMicros} <= 0: shares only. */
    List<String> lines(double cpuPerCallMicros) {
        List<String> out = new ArrayList<>();
        if (total == 0) {
            out.add("(no samples)");
            return out;
        }
        samples.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
                .forEach(e -> {
                    double share = e.getValue() / (double) total;
                    out.add(String.format(
                            Locale.ROOT,
                            "%-44s %5.1f%%%s",
                            e.getKey(),
                            share * 100,
                            cpuPerCallMicros > 0
                                    ? String.format(Locale.ROOT, "  %7.1f us/call", share * cpuPerCallMicros)
                                    : ""));
                });
        out.add(String.format(Locale.ROOT, "(%d samples)", total));
        return out;
    }

    /** {@code java -cp bench.jar io.modelgateway.bench.StageSplit FILE.collapsed [cpu-us-per-call]} */
    public static void main(String[] args) throws IOException {
        StageSplit s = read(Path.of(args[0]));
        s.lines(args.length > 1 ? Double.parseDouble(args[1]) : -1).forEach(System.out::println);
    }
}
