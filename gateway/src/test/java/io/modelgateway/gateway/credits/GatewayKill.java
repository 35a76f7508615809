package io.modelgateway.gateway.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelgateway.gateway.deployment.FakeOpenAi;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway as its own process ({@code java -jar target/gateway.jar}, built by {@code package} before
 * failsafe runs) on a real store, killed with SIGKILL ({@link Process#destroyForcibly}) in the middle of a load
 * of plain and streamed chat calls, then started again on the same spool directory (and data directory).
 * Half the calls go to the embedded Triton model server, half to a deployment on an OpenAI-compatible HTTP
 * upstream ({@link FakeOpenAi} in this JVM on loopback, proxied by the gateway's Spring Cloud Gateway relay).
 * Every call whose client got a whole 200 answer (the JSON body, or a stream up to its {@code [DONE]}) has
 * exactly one usage record afterwards, for each kind of call, and the rollups count each once. Run on PostgreSQL ({@link
 * GatewayKillIT}) and on the embedded default, an H2 file ({@link GatewayKillH2IT}).
 */
abstract class GatewayKill {

    static final String KEY = "sk-a6267c00566bf46cdd379eb054513fbd4f5e0c7d";
    private static final Path JAR = Path.of("target", "gateway.jar");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The load's four kinds of call: backend (Triton / HTTP upstream) times plain / streamed. */
    private static final List<String> KINDS =
            List.of("triton-plain", "triton-stream", "upstream-plain", "upstream-stream");

    static Path work;
    static @Nullable Process gateway; // started by the test
    static @Nullable FakeOpenAi upstream; // set by prepareWork, cleared by stopGateway

    /** The store's properties ({@code spring.datasource.*}, ...); empty: the embedded default. */
    abstract Map<String, String> storeProperties();

    /** Records in the store right after the kill (the process is gone). */
    abstract long storedAtKill() throws Exception;

    /** Request id to number of records, once the restarted gateway has stored the spool's records. */
    abstract Map<String, Long> recordsAfterRestart(int port, Set<String> completed) throws Exception;

    /**
     * Stops the restarted gateway with SIGTERM: its graceful shutdown stores what the replayed spool still holds,
     * so the store can then be read whole, with nothing still on its way.
     */
    static void stopGracefully() throws InterruptedException {
        Process restarted = Objects.requireNonNull(gateway, "the test started the gateway");
        restarted.destroy();
        assertThat(restarted.waitFor(60, TimeUnit.SECONDS)).as("graceful stop").isTrue();
        assertThat(restarted.exitValue()).isIn(0, 143);
    }

    /** Requests counted by the daily rollups. */
    abstract long rollupRequests() throws Exception;

    @BeforeAll
    static void prepareWork() throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException("GatewayKill ITs need " + JAR.toAbsolutePath() + " (run ./mvnw verify)");
        }
        work = Files.createTempDirectory("gateway-kill-it");
        upstream = new FakeOpenAi(); // its own event loops in this JVM; survives the gateway's kill
    }

    @AfterAll
    static void stopGateway() throws Exception {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroy();
            gateway.waitFor(20, TimeUnit.SECONDS);
        }
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
    }

    @Test
    void everyCallThatCompletedBeforeASigkillHasExactlyOneRecordAfterTheRestart() throws Exception {
        int port = freePort();
        gateway = start(port, "first.log");
        ConcurrentMap<String, String> completedKinds = new ConcurrentHashMap<>(); // request id -> kind
        Set<String> completed = completedKinds.keySet();
        AtomicBoolean loading = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            String kind = KINDS.get(i % KINDS.size());
            Thread t = new Thread(() -> load(port, kind, loading, completedKinds));
            t.start();
            clients.add(t);
        }
        long start = System.nanoTime();
        await("300 completed calls, at least 40 of each kind")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> completed.size() >= 300
                        && countByKind(completedKinds).values().stream().allMatch(n -> n >= 40));
        long loadMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        gateway.destroyForcibly(); // SIGKILL: no shutdown hook, no drain
        assertThat(gateway.waitFor(10, TimeUnit.SECONDS)).isTrue();
        int atKill = completed.size();
        loading.set(false);
        for (Thread t : clients) {
            t.join();
        }
        long stored = storedAtKill();
        Map<String, Long> byKind = countByKind(completedKinds);
        System.out.printf(
                "%s: SIGKILL after %d completed calls %s in %d ms (%d in the store's files at that " + "moment)%n",
                getClass().getSimpleName(), atKill, byKind, loadMillis, stored);
        assertThat(completed.size()).isEqualTo(atKill).isGreaterThanOrEqualTo(300);
        assertThat(byKind)
                .as("every kind of call was loading until the kill")
                .containsOnlyKeys(KINDS)
                .allSatisfy((kind, n) -> assertThat(n).as(kind).isGreaterThanOrEqualTo(40));

        gateway = start(port, "second.log"); // replays the spool first
        Map<String, Long> records = recordsAfterRestart(port, completed);
        Map<String, Long> missing = new TreeMap<>();
        Map<String, Long> recorded = new TreeMap<>();
        for (String kind : KINDS) {
            missing.put(kind, 0L);
            recorded.put(kind, 0L);
        }
        completedKinds.forEach((id, kind) -> (records.containsKey(id) ? recorded : missing).merge(kind, 1L, Long::sum));
        System.out.printf(
                "after the restart: %d records; completed calls recorded %s, missing %s%n",
                records.size(), recorded, missing);
        for (String kind : KINDS) {
            assertThat(missing.get(kind))
                    .as("completed %s calls without a record", kind)
                    .isZero();
        }
        assertThat(records.values()).as("one record per request id").allMatch(n -> n == 1);
        assertThat(rollupRequests()).as("rollups count each once").isEqualTo(records.size());
    }

    private static Map<String, Long> countByKind(Map<String, String> completedKinds) {
        return new TreeMap<>(
                completedKinds.values().stream().collect(Collectors.groupingBy(kind -> kind, Collectors.counting())));
    }

    /**
     * Calls one kind in a loop until told to stop; remembers the request ids (and kind) of answers that arrived
     * whole.
     */
    private static void load(int port, String kind, AtomicBoolean loading, Map<String, String> completed) {
        boolean stream = kind.endsWith("-stream");
        String model = kind.startsWith("upstream") ? "up-chat" : "echo";
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":6,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"count the sheep one two three\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        while (loading.get()) {
            try {
                HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                boolean whole = r.statusCode() == 200
                        && (stream
                                ? r.body().contains("data: [DONE]")
                                : r.body().trim().endsWith("}"));
                if (whole && loading.get()) {
                    completed.put(r.headers().firstValue("x-request-id").orElseThrow(), kind);
                }
            } catch (IOException e) {
                // the gateway was killed under this call: not completed
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Process start(int port, String log) throws Exception {
        Map<String, String> p = new HashMap<>(storeProperties());
        p.put("server.port", String.valueOf(port));
        p.put("server.address", "127.0.0.1");
        p.put("gateway.demo-api-key", KEY);
        p.put("management.server.port", "0");
        p.put("gateway.embedded-model-server.embeddings", "false");
        // Each spool group gathers records for up to 200 ms before it is written: an answer that did not wait for
        // its group (the bug this test guards against) would be lost by a kill within that window, not only by
        // one in the microseconds a group takes to write.
        p.put("gateway.billing.commit-window", "200ms");
        p.put("gateway.backends.upstream.kind", "openai-http");
        p.put(
                "gateway.backends.upstream.base-url",
                Objects.requireNonNull(upstream, "set by prepareWork").baseUrl());
        p.put("gateway.backends.upstream.api-key", "sk-upstream-secret");
        p.put("gateway.deployments.up-chat.backend", "upstream");
        p.put("gateway.deployments.up-chat.model", "fake-model");
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-jar",
                JAR.toAbsolutePath().toString()));
        p.forEach((k, v) -> cmd.add("--" + k + "=" + v));
        Process process = new ProcessBuilder(cmd)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(log).toFile())
                .start();
        awaitHealthy(port, process, work.resolve(log));
        return process;
    }

    static void awaitHealthy(int port, Process process, Path log) throws Exception {
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                .timeout(Duration.ofSeconds(2))
                .build();
        await("the gateway ready; see " + log)
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .failFast("the gateway exited; see " + log, () -> !process.isAlive())
                .ignoreExceptionsInstanceOf(IOException.class)
                .until(() -> HTTP.send(health, HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
    }

    /** Request id to number of records in the store at {@code url}; empty before Flyway created the table. */
    static Map<String, Long> records(String url, String user) throws SQLException {
        Map<String, Long> ids = new HashMap<>();
        try (Connection c = DriverManager.getConnection(url, user, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT request_id, COUNT(*) FROM usage_record GROUP BY request_id")) {
            while (rs.next()) {
                ids.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("does not exist") || message.contains("not found")) {
                return ids;
            }
            throw e;
        }
        return ids;
    }

    static long count(String url, String user, String query) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
