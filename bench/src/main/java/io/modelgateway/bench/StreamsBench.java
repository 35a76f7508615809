package io.modelgateway.bench;

import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reactor.core.Disposable;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Heap the gateway holds per open SSE stream.
 *
 * <p>Method: a model server in this JVM streams slowly (2 tokens per second, so every stream stays open for
 * the whole measurement); the gateway runs as its own JVM ({@code -Xmx512m}) with its deployment pointing
 * there. After a warm-up of 200 streams, the gateway's heap is measured after a full collection
 * ({@code jcmd GC.run}, then the used size from {@code jcmd GC.heap_info}); then N streams (default 1,000)
 * are opened on N connections and, once every one has received its first token, the heap is measured the
 * same way. The difference divided by N, times 1,000, is the heap per 1,000 open streams. Buffers in Netty's
 * direct memory pools are not heap and not counted.
 *
 * <p>Run: {@code java -cp bench/target/bench.jar io.modelgateway.bench.StreamsBench [streams]} from the
 * repository root after the build.
 */
public final class StreamsBench {

    private static final Pattern USED = Pattern.compile("used (\\d+)K");
    private static final long GOAL_MB = 60;

    private StreamsBench() {}

    public static void main(String[] args) throws Exception {
        int streams = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        String words = "token ".repeat(400).trim();
        String body =
                "{\"model\":\"echo\",\"stream\":true,\"max_tokens\":400,\"messages\":[{\"role\":\"user\",\"content\":\""
                        + words + "\"}]}";
        try (ModelServer server = ModelServer.builder()
                        .port(0)
                        .embeddings(false)
                        .echoSettings(new EchoSettings(Duration.ZERO, 2))
                        .start();
                GatewayProcess gateway = GatewayProcess.start(
                        Path.of("gateway", "target", "gateway.jar"),
                        "512m",
                        server.target(),
                        "echo",
                        "sk-bench",
                        List.of("--logging.level.root=warn"),
                        "")) {
            gateway.awaitHealthy(Duration.ofSeconds(120));
            ConnectionProvider pool = ConnectionProvider.builder("streams")
                    .maxConnections(streams + 100)
                    .pendingAcquireMaxCount(-1)
                    .build();
            HttpClient client = HttpClient.create(pool)
                    .baseUrl(gateway.url())
                    .headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, "Bearer sk-bench")
                            .set(HttpHeaderNames.CONTENT_TYPE, "application/json"));
            closeAll(open(client, body, 200));
            long before = heapAfterGcKb(gateway.pid());
            List<Disposable> open = open(client, body, streams);
            long during = heapAfterGcKb(gateway.pid());
            closeAll(open);
            double perThousandMb = (during - before) / 1024.0 / streams * 1000;
            System.out.printf(
                    "open SSE streams: %d; gateway heap after GC: %.1f MB idle, %.1f MB with the streams open%n",
                    streams, before / 1024.0, during / 1024.0);
            System.out.printf(
                    "heap per 1,000 open streams: %.1f MB (goal <= %d MB: %s)%n",
                    perThousandMb, GOAL_MB, perThousandMb <= GOAL_MB ? "met" : "NOT met");
            pool.dispose();
        }
    }

    /** Opens {@code n} streams and waits until each has received its first token. */
    private static List<Disposable> open(HttpClient client, String body, int n) throws InterruptedException {
        CountDownLatch firstTokens = new CountDownLatch(n);
        AtomicInteger failures = new AtomicInteger();
        List<Disposable> streams = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean[] seen = {false};
            streams.add(client.post()
                    .uri("/v1/chat/completions")
                    .send(ByteBufFlux.fromString(reactor.core.publisher.Mono.just(body)))
                    .responseContent()
                    .asString(StandardCharsets.UTF_8)
                    .subscribe(
                            chunk -> {
                                if (!seen[0]
                                        && chunk.contains("\"content\":\"")
                                        && !chunk.contains("\"content\":\"\"")) {
                                    seen[0] = true;
                                    firstTokens.countDown();
                                }
                            },
                            e -> {
                                failures.incrementAndGet();
                                firstTokens.countDown();
                            }));
        }
        if (!firstTokens.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException(firstTokens.getCount() + " streams got no first token in 120 s");
        }
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " streams failed");
        }
        return streams;
    }

    private static void closeAll(List<Disposable> streams) throws InterruptedException {
        streams.forEach(Disposable::dispose);
        Thread.sleep(1000);
    }

    private static long heapAfterGcKb(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        Thread.sleep(500);
        jcmd(pid, "GC.run");
        Matcher m = USED.matcher(jcmd(pid, "GC.heap_info"));
        if (!m.find()) {
            throw new IllegalStateException("cannot read the heap size from jcmd GC.heap_info");
        }
        return Long.parseLong(m.group(1));
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }
}
