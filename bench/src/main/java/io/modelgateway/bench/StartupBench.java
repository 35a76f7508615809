package io.modelgateway.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Start-up of the embedded default, from launch to first answer.
 *
 * <p>Method: each run launches {@code java [-XX:SharedArchiveFile=gateway.jsa] -jar gateway.jar} exactly as
 * the README's run command does (embedded model server, H2 file database created fresh in an empty working
 * directory, so every run is a first start), then polls {@code POST /v1/chat/completions} every 10 ms with
 * the demo key until it answers 200. The time from just before the process is launched to that 200 is one
 * sample; the process is then stopped. Runs alternate between the two modes (with and without the
 * class-data-sharing archive) so background load hits both alike. Prints min, median and max per mode.
 *
 * <p>Run: {@code java -cp bench/target/bench.jar io.modelgateway.bench.StartupBench [runs]} from the
 * repository root after the build.
 */
public final class StartupBench {

    private static final String KEY = "sk-startup-bench";
    private static final Duration GOAL = Duration.ofSeconds(5);

    private StartupBench() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path jar = Path.of("gateway", "target", "gateway.jar").toAbsolutePath();
        Path archive = Path.of("gateway", "target", "gateway.jsa").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("build first: " + jar + " is missing");
        }
        boolean cds = Files.isRegularFile(archive);
        List<Long> withArchive = new ArrayList<>();
        List<Long> plain = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            if (cds) {
                withArchive.add(firstAnswerMillis(jar, archive));
            }
            plain.add(firstAnswerMillis(jar, null));
        }
        System.out.println("start to first answer, embedded default, " + runs + " runs per mode, "
                + Runtime.getRuntime().availableProcessors() + " cores");
        if (cds) {
            report("with gateway.jsa (README command)", withArchive);
        }
        report("without the archive", plain);
    }

    private static void report(String mode, List<Long> samples) {
        List<Long> sorted = samples.stream().sorted(Comparator.naturalOrder()).toList();
        long median = sorted.get(sorted.size() / 2);
        System.out.printf(
                "  %-36s min %5d ms  median %5d ms  max %5d ms  goal < %d ms: %s%n",
                mode,
                sorted.get(0),
                median,
                sorted.get(sorted.size() - 1),
                GOAL.toMillis(),
                median < GOAL.toMillis() ? "met" : "NOT met");
    }

    static long firstAnswerMillis(Path jar, Path archive) throws IOException, InterruptedException {
        int port = GatewayProcess.freePort();
        Path dir = Files.createTempDirectory("bench-startup-");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (archive != null) {
            cmd.add("-XX:SharedArchiveFile=" + archive);
        }
        cmd.addAll(List.of(
                "-jar",
                jar.toString(),
                "--server.port=" + port,
                "--management.server.port=0",
                "--gateway.demo-api-key=" + KEY));
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        HttpRequest chat = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"))
                .build();
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("gateway.log").toFile())
                .start();
        try {
            while (true) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("the gateway exited; see " + dir.resolve("gateway.log"));
                }
                if (System.nanoTime() - start > Duration.ofSeconds(120).toNanos()) {
                    throw new IllegalStateException("no answer within 120 s; see " + dir.resolve("gateway.log"));
                }
                try {
                    if (http.send(chat, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return (System.nanoTime() - start) / 1_000_000;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(10);
            }
        } finally {
            p.destroy();
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
