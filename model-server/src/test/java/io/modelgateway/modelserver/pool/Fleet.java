package io.modelgateway.modelserver.pool;

import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.GenerationRequest;
import io.modelgateway.inference.PoolConfig;
import io.modelgateway.inference.ReplicaStatus;
import io.modelgateway.inference.TokenCounter;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Model servers on loopback (no embeddings, with echo-ensemble) and pool settings that act within tests' time. */
final class Fleet implements AutoCloseable {

    static final TokenCounter TOKENS = TokenCounter.cl100k();
    private static final AtomicInteger IDS = new AtomicInteger();

    final List<ModelServer> servers = new ArrayList<>();

    static Fleet of(int size, EchoSettings settings) {
        Fleet fleet = new Fleet();
        for (int i = 0; i < size; i++) {
            fleet.servers.add(ModelServer.builder()
                    .port(0)
                    .embeddings(false)
                    .ensemble(true)
                    .echoSettings(settings)
                    .start());
        }
        return fleet;
    }

    ModelServer server(int i) {
        return servers.get(i);
    }

    List<String> endpoints() {
        return servers.stream().map(ModelServer::target).toList();
    }

    /** Fast polling, a breaker that needs a lot to open, generous timeouts: each test tightens what it checks. */
    PoolConfig.Builder config() {
        return PoolConfig.builder("test", endpoints())
                .health(new PoolConfig.Health(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMillis(200)))
                .breaker(new PoolConfig.Breaker(100, 100, 100, Duration.ofSeconds(30), 1))
                .timeouts(new PoolConfig.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    }

    /** The status of the replica serving {@code server}. */
    static ReplicaStatus status(BackendPool pool, ModelServer server) {
        return pool.replicas().stream()
                .filter(r -> r.target().equals(server.target()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no replica " + server.target() + " in " + pool.replicas()));
    }

    static int outstanding(BackendPool pool) {
        return pool.replicas().stream().mapToInt(ReplicaStatus::outstanding).sum();
    }

    /** A prompt of {@code words} words: the echo model answers with exactly those words, one per token. */
    static String words(int words) {
        return IntStream.range(0, words).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    }

    static GenerationRequest request(String model, String prompt, int maxTokens, boolean stream) {
        return request(model, prompt, maxTokens, stream, Map.of());
    }

    static GenerationRequest request(
            String model, String prompt, int maxTokens, boolean stream, Map<String, Object> sampling) {
        return new GenerationRequest("pool-" + IDS.incrementAndGet(), model, prompt, maxTokens, stream, sampling);
    }

    static Outcome generate(BackendPool pool, GenerationRequest request) {
        Outcome outcome = new Outcome();
        pool.generate(request, TOKENS, outcome);
        return outcome;
    }

    long started() {
        return servers.stream().mapToLong(ModelServer::startedRequests).sum();
    }

    @Override
    public void close() {
        servers.forEach(ModelServer::close);
    }
}
