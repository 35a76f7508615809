package io.modelgateway.gateway.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.grpc.Status;
import io.modelgateway.gateway.pipeline.Outcome;
import io.modelgateway.gateway.pipeline.RecordedCalls;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A fleet of real model servers behind the gateway misbehaving the ways GPUs do: a replica killed under load,
 * a slow replica, a replica failing until its breaker opens (and later closes), a flood past the bulkhead, and
 * clients that hang up mid-stream.
 */
class FleetResilienceEndToEndTest extends FleetTestBase {

    @Autowired
    RecordedCalls recorded;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ExecutorService clients = Executors.newFixedThreadPool(24);

    @AfterEach
    void stopClients() {
        clients.shutdownNow();
    }

    private enum Breaker {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    private static String words(int n) {
        return IntStream.range(0, n).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    }

    private static String echoOf(String prompt) {
        return "user: " + prompt + " assistant:";
    }

    private static ChatCompletionCreateParams chat(String model, String text, long maxTokens) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage(text)
                .maxCompletionTokens(maxTokens)
                .build();
    }

    private static long[] started(List<ModelServer> servers) {
        return servers.stream().mapToLong(ModelServer::startedRequests).toArray();
    }

    private static long[] since(long[] before, List<ModelServer> servers) {
        long[] now = started(servers);
        return IntStream.range(0, now.length).mapToLong(i -> now[i] - before[i]).toArray();
    }

    private JsonNode replicaHealth(String pool, ModelServer server) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(managementUrl() + "/actuator/health"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode replica : FakeOpenAi.JSON
                .readTree(r.body())
                .get("components")
                .get("backends")
                .get("details")
                .get("pools")
                .get(pool)) {
            if (replica.get("target").asString().equals(server.target())) {
                return replica;
            }
        }
        throw new AssertionError("no replica " + server.target() + " in pool " + pool);
    }

    private Breaker breaker(String pool, ModelServer server) throws Exception {
        return Breaker.valueOf(replicaHealth(pool, server).get("breaker").asString());
    }

    private HttpRequest request(String deployment, String text, boolean stream, int maxTokens) {
        String body = FakeOpenAi.JSON.writeValueAsString(Map.of(
                "model",
                deployment,
                "stream",
                stream,
                "max_tokens",
                maxTokens,
                "messages",
                List.of(Map.of("role", "user", "content", text))));
        return HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** One SSE answer read to its end: the text of its content chunks, and whether it ended with [DONE] or an error. */
    private record Streamed(
            String text, boolean done, @Nullable JsonNode error, int events) {

        static Streamed of(String body) {
            List<String> data = body.lines()
                    .filter(l -> l.startsWith("data: "))
                    .map(l -> l.substring(6))
                    .toList();
            StringBuilder text = new StringBuilder();
            JsonNode error = null;
            for (String d : data) {
                if (d.equals("[DONE]")) {
                    continue;
                }
                JsonNode json = FakeOpenAi.JSON.readTree(d);
                error = json.has("error") ? json.get("error") : error;
                for (JsonNode choice : json.path("choices")) {
                    text.append(choice.path("delta").path("content").asString(""));
                }
            }
            return new Streamed(text.toString(), data.contains("[DONE]"), error, data.size());
        }
    }

    @Test
    void killingAReplicaMidLoadFailsNoCallThatHadNotStartedStreaming() throws Exception {
        OpenAIClient sdk = openAi();
        ModelServer victim = KILL_POOL.get(0);
        long[] before = started(KILL_POOL);
        // About four seconds each at 25 tokens per second: longer than the victim's three-second grace period.
        String longPrompt = words(100);
        List<CompletableFuture<String>> whole = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> streams = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            whole.add(CompletableFuture.supplyAsync(
                    () -> sdk.chat()
                            .completions()
                            .create(chat("kill-chat", longPrompt, 200))
                            .choices()
                            .get(0)
                            .message()
                            .content()
                            .orElseThrow(),
                    clients));
            streams.add(
                    http.sendAsync(request("kill-chat", longPrompt, true, 200), HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> IntStream.range(0, 3)
                                .mapToLong(i -> since(before, KILL_POOL)[i])
                                .sum()
                        >= 24);
        assertThat(since(before, KILL_POOL)[0])
                .as("calls running on the victim")
                .isPositive();

        CompletableFuture<Void> killed = CompletableFuture.runAsync(victim::close);
        // A second wave while the victim goes down: it refuses new calls, then its running calls are cut.
        String shortPrompt = words(10);
        List<CompletableFuture<String>> secondWhole = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> secondStreams = new ArrayList<>();
        for (int i = 0; i < 12; i++) { // spread over 1.2 s (the load's shape, not a wait for anything)
            java.util.concurrent.Executor later =
                    CompletableFuture.delayedExecutor(100L * i, TimeUnit.MILLISECONDS, clients);
            secondWhole.add(CompletableFuture.supplyAsync(
                    () -> sdk.chat()
                            .completions()
                            .create(chat("kill-chat", shortPrompt, 50))
                            .choices()
                            .get(0)
                            .message()
                            .content()
                            .orElseThrow(),
                    later));
            secondStreams.add(CompletableFuture.runAsync(() -> {}, later)
                    .thenCompose(x -> http.sendAsync(
                            request("kill-chat", shortPrompt, true, 50), HttpResponse.BodyHandlers.ofString())));
        }

        for (CompletableFuture<String> w : whole) {
            assertThat(w.get(30, TimeUnit.SECONDS)).isEqualTo(echoOf(longPrompt));
        }
        for (CompletableFuture<String> w : secondWhole) {
            assertThat(w.get(30, TimeUnit.SECONDS)).isEqualTo(echoOf(shortPrompt));
        }
        for (CompletableFuture<HttpResponse<String>> s : secondStreams) {
            HttpResponse<String> r = s.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            Streamed streamed = Streamed.of(r.body());
            assertThat(streamed.done()).as(r.body()).isTrue();
            assertThat(streamed.text()).isEqualTo(echoOf(shortPrompt));
        }
        int cut = 0;
        for (CompletableFuture<HttpResponse<String>> s : streams) {
            HttpResponse<String> r = s.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            Streamed streamed = Streamed.of(r.body());
            if (streamed.error() == null) {
                assertThat(streamed.done()).as(r.body()).isTrue();
                assertThat(streamed.text()).isEqualTo(echoOf(longPrompt));
            } else {
                // Started on the victim: what was sent stays sent, and the stream ends with an OpenAI error event.
                cut++;
                assertThat(streamed.done()).isFalse();
                assertThat(echoOf(longPrompt)).startsWith(streamed.text());
                assertThat(streamed.text()).isNotEmpty();
                assertThat(streamed.error().get("type").asString()).isEqualTo("server_error");
                assertThat(streamed.error().get("code").asString()).isNotBlank();
            }
        }
        killed.get(15, TimeUnit.SECONDS);
        long[] calls = since(before, KILL_POOL);
        System.out.printf(
                "kill: 48 calls, %d streams cut on the victim, backend calls per replica %s%n",
                cut, Arrays.toString(calls));
        assertThat(cut).as("streams cut on the victim").isPositive();
        assertThat(calls[0] + calls[1] + calls[2])
                .as("backend calls: every customer call, plus retries")
                .isGreaterThan(48);
    }

    @Test
    void trafficShiftsAwayFromASlowReplicaAndBackWhenItRecovers() throws Exception {
        ModelServer slow = SKEW_POOL.get(0);
        // 120 calls: a fair share would be 40 each.
        long[] slowPhase = load("skew-chat", 8, 15);
        assertThat(slowPhase[0])
                .as("calls on the slow replica of %s", Arrays.toString(slowPhase))
                .isLessThan(120 / 8);
        assertThat(Math.min(slowPhase[1], slowPhase[2])).isGreaterThan(3 * slowPhase[0]);

        EchoSettings was = slow.echoSettings();
        try {
            slow.echoSettings(SKEW_POOL.get(1).echoSettings());
            long[] recovered = load("skew-chat", 8, 15);
            assertThat(recovered[0])
                    .as("calls on the recovered replica of %s", Arrays.toString(recovered))
                    .isGreaterThan(120 / 6);
        } finally {
            slow.echoSettings(was);
        }
    }

    /** {@code threads} clients each make {@code calls} calls one after another; returns the calls per replica. */
    private long[] load(String deployment, int threads, int calls) throws Exception {
        OpenAIClient sdk = openAi();
        long[] before = started(SKEW_POOL);
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            running.add(CompletableFuture.runAsync(
                    () -> {
                        for (int i = 0; i < calls; i++) {
                            assertThat(sdk.chat()
                                            .completions()
                                            .create(chat(deployment, "a b c", 20))
                                            .choices()
                                            .get(0)
                                            .message()
                                            .content())
                                    .hasValue(echoOf("a b c"));
                        }
                    },
                    clients));
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long[] delta = since(before, SKEW_POOL);
        System.out.printf("skew: calls per replica %s%n", Arrays.toString(delta));
        assertThat(delta[0] + delta[1] + delta[2]).isEqualTo((long) threads * calls);
        return delta;
    }

    @Test
    void theBreakerOpensOnFailuresThenHalfOpensAndClosesAsConfigured() throws Exception {
        ModelServer flaky = FLAKY_POOL.get(0);
        OpenAIClient sdk = openAi();
        Runnable call = () -> assertThat(sdk.chat()
                        .completions()
                        .create(chat("flaky-chat", "x y", 10))
                        .choices()
                        .get(0)
                        .message()
                        .content())
                .hasValue(echoOf("x y"));
        // Every call the flaky replica takes fails (and is retried on the other one) until its breaker opens.
        flaky.failNext(10_000, Status.Code.UNAVAILABLE);
        try {
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        call.run();
                        return breaker("flaky", flaky) == Breaker.OPEN;
                    });
        } finally {
            flaky.failNext(0, Status.Code.OK);
        }
        long openedAt = System.nanoTime();
        long startedOnFlaky = flaky.startedRequests();
        for (int i = 0; i < 10; i++) {
            call.run();
        }
        if (System.nanoTime() - openedAt < Duration.ofSeconds(2).toNanos()) {
            assertThat(flaky.startedRequests())
                    .as("an open breaker sends nothing")
                    .isEqualTo(startedOnFlaky);
            assertThat(breaker("flaky", flaky)).isEqualTo(Breaker.OPEN);
        }

        // After the open duration (3 s) trial calls go through; two successes close it again.
        Set<Breaker> seen = EnumSet.noneOf(Breaker.class);
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    call.run();
                    Breaker state = breaker("flaky", flaky);
                    seen.add(state);
                    return state == Breaker.CLOSED;
                });
        // Seen open a little after it opened: the open duration (3 s) has all but passed.
        assertThat(Duration.ofNanos(System.nanoTime() - openedAt)).isGreaterThan(Duration.ofMillis(2500));
        assertThat(seen).contains(Breaker.HALF_OPEN);
        assertThat(flaky.startedRequests()).as("the trial calls").isGreaterThanOrEqualTo(startedOnFlaky + 2);

        long closedAt = flaky.startedRequests();
        for (int i = 0; i < 20; i++) {
            call.run();
        }
        assertThat(flaky.startedRequests() - closedAt)
                .as("traffic returns to the closed replica")
                .isPositive();
        assertThat(breaker("flaky", flaky)).isEqualTo(Breaker.CLOSED);
    }

    @Test
    void aFloodPastTheBulkheadIsRefusedFastAndTheGatewaysMemoryStaysFlat() throws Exception {
        // The flood backend takes one call at a time; this stream holds its slot (two minutes at 5 tokens per second).
        HttpResponse<InputStream> holding =
                http.send(request("flood-chat", words(600), true, 600), HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader lines = new BufferedReader(new InputStreamReader(holding.body(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).startsWith("data: ");
        try {
            flood(2_500);
            long heapBefore = heapAfterGc();
            long t0 = System.nanoTime();
            Map<Integer, Integer> statuses = flood(10_000);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            long heapAfter = heapAfterGc();
            System.out.printf(
                    "flood: 10000 refused calls in %d ms; heap after GC %d -> %d KiB (%+d KiB)%n",
                    took.toMillis(), heapBefore / 1024, heapAfter / 1024, (heapAfter - heapBefore) / 1024);
            assertThat(statuses).containsOnlyKeys(429);
            assertThat(heapAfter - heapBefore)
                    .as("heap growth over 10000 refused calls")
                    .isLessThan(4L * 1024 * 1024);

            // Answered while the holding stream still has the only slot: refused at once, never queued behind it.
            HttpResponse<String> refused =
                    http.send(request("flood-chat", "one more", false, 10), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(429);
            RecordedCalls.Ended ended = await().atMost(Duration.ofSeconds(5))
                    .until(
                            () -> recorded.get(
                                    refused.headers().firstValue("x-request-id").orElseThrow()),
                            e -> e != null);
            assertThat(ended.call().forwarded())
                    .as("turned away: no usage record, no backend metrics")
                    .isFalse();
            assertThat(ended.result().outcome()).isEqualTo(Outcome.FAILED);
            assertThat(refused.headers().firstValue("retry-after")).isPresent();
            assertThat(FakeOpenAi.JSON
                            .readTree(refused.body())
                            .get("error")
                            .get("code")
                            .asString())
                    .isEqualTo("backend_overloaded");
        } finally {
            holding.body().close();
        }
        await().atMost(Duration.ofSeconds(5))
                .until(() -> replicaHealth("flood", FLOOD).get("outstanding").asInt() == 0);
    }

    /** {@code n} calls, 32 at a time; returns how many got each status (each refusal must carry retry-after). */
    private Map<Integer, Integer> flood(int n) throws Exception {
        Semaphore inFlight = new Semaphore(32);
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        AtomicInteger withoutRetryAfter = new AtomicInteger();
        HttpRequest plain = request("flood-chat", "flood", false, 10);
        HttpRequest streamed = request("flood-chat", "flood", true, 10);
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            http.sendAsync(i % 2 == 0 ? plain : streamed, HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> {
                        statuses.merge(e == null ? r.statusCode() : -1, 1, Integer::sum);
                        if (e == null && r.headers().firstValue("retry-after").isEmpty()) {
                            withoutRetryAfter.incrementAndGet();
                        }
                        inFlight.release();
                    });
        }
        inFlight.acquire(32);
        assertThat(withoutRetryAfter).hasValue(0);
        return statuses;
    }

    /**
     * Heap in use after full collections (System.gc returns once its collection is done): the least of a few
     * readings, so garbage made between them does not count.
     */
    private static long heapAfterGc() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            least = Math.min(
                    least,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    @Test
    void aClientHangingUpMidStreamCancelsTheTritonCall() throws Exception {
        long before = CANCELS.cancelledRequests();
        try (StreamResponse<ChatCompletionChunk> s =
                openAi().chat().completions().createStreaming(chat("cancels-chat", words(200), 300))) {
            Iterator<ChatCompletionChunk> it = s.stream().iterator();
            assertThat(it.next()).isNotNull();
            assertThat(it.next()).isNotNull();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> CANCELS.cancelledRequests() == before + 1);
        await().atMost(Duration.ofSeconds(5))
                .until(() ->
                        replicaHealth("cancels", CANCELS).get("outstanding").asInt() == 0);
    }

    @Test
    void aClientHangingUpMidStreamClosesTheUpstreamConnection() throws Exception {
        int before = UPSTREAM.cancelledStreams.get();
        try (StreamResponse<ChatCompletionChunk> s =
                openAi().chat().completions().createStreaming(chat("up-slow", words(200), 300))) {
            Iterator<ChatCompletionChunk> it = s.stream().iterator();
            assertThat(it.next()).isNotNull();
            assertThat(it.next()).isNotNull();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> UPSTREAM.cancelledStreams.get() == before + 1);
    }
}
