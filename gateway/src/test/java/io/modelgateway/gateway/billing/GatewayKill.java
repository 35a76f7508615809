package io.modelgateway.gateway.billing;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway as its own process ({@code java -jar target/gateway.jar}, built by {@code package} before
 * failsafe runs) on a real store, killed with SIGKILL ({@link Process#destroyForcibly}) in the middle of a load
 * of plain and streamed chat calls, then started again on the same spool directory (and data directory).
 * Every call whose client got a whole 200 answer (the JSON body, or a stream up to its {@code [DONE]}) has
 * exactly one usage record afterwards, and the rollups count each once. Run on PostgreSQL ({@link
 * GatewayKillIT}) and on the embedded default, an H2 file ({@link GatewayKillH2IT}).
 */
abstract class GatewayKill {

    static final String KEY = "sk-a6267c00566bf46cdd379eb054513fbd4f5e0c7d";
    private static final Path JAR = Path.of("target", "gateway.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static Path work;
    static Process gateway;

    /** The store's properties ({@code spring.datasource.*}, ...); empty: the embedded default. */
    abstract Map<String, String> storeProperties();

    /** Records in the store right after the kill (the process is gone). */
    abstract long storedAtKill() throws Exception;

    /** Request id to number of records, once the restarted gateway has stored the spool's records. */
    abstract Map<String, Long> recordsAfterRestart(int port, Set<String> completed) throws Exception;

    /** Requests counted by the daily rollups. */
    abstract long rollupRequests() throws Exception;

    @BeforeAll
    static void prepareWork() throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException("GatewayKill ITs need " + JAR.toAbsolutePath() + " (run ./mvnw verify)");
        }
        work = Files.createTempDirectory("gateway-kill-it");
    }

    @AfterAll
    static void stopGateway() throws Exception {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroy();
            gateway.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyCallThatCompletedBeforeASigkillHasExactlyOneRecordAfterTheRestart() throws Exception {
        int port = freePort();
        gateway = start(port, "first.log");
        Set<String> completed = ConcurrentHashMap.newKeySet();
        AtomicBoolean loading = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            boolean stream = i % 2 == 1;
            Thread t = new Thread(() -> load(port, stream, loading, completed));
            t.start();
            clients.add(t);
        }
        long start = System.nanoTime();
        while (completed.size() < 300 && System.nanoTime() - start < Duration.ofSeconds(60).toNanos()) {
            Thread.sleep(10);
        }
        gateway.destroyForcibly(); // SIGKILL: no shutdown hook, no drain
        assertThat(gateway.waitFor(10, TimeUnit.SECONDS)).isTrue();
        int atKill = completed.size();
        loading.set(false);
        for (Thread t : clients) {
            t.join();
        }
        long stored = storedAtKill();
        System.out.printf("%s: SIGKILL after %d completed calls (%d in the store's files at that moment)%n",
                getClass().getSimpleName(), atKill, stored);
        assertThat(completed.size()).isEqualTo(atKill).isGreaterThanOrEqualTo(300);

        gateway = start(port, "second.log"); // replays the spool first
        Map<String, Long> records = recordsAfterRestart(port, completed);
        long missing = completed.stream().filter(id -> !records.containsKey(id)).count();
        System.out.printf("after the restart: %d records, %d completed calls missing%n", records.size(), missing);
        assertThat(missing).as("completed calls without a record").isZero();
        assertThat(records.values()).as("one record per request id").allMatch(n -> n == 1);
        assertThat(rollupRequests()).as("rollups count each once").isEqualTo(records.size());
    }

    /** Calls in a loop until told to stop; remembers the request ids of answers that arrived whole. */
    private static void load(int port, boolean stream, AtomicBoolean loading, Set<String> completed) {
        String body = "{\"model\":\"echo\",\"max_tokens\":6,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"count the sheep one two three\"}]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        while (loading.get()) {
            try {
                HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                boolean whole = r.statusCode() == 200 && (stream ? r.body().contains("data: [DONE]")
                        : r.body().trim().endsWith("}"));
                if (whole && loading.get()) {
                    completed.add(r.headers().firstValue("x-request-id").orElseThrow());
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
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-jar", JAR.toAbsolutePath().toString()));
        p.forEach((k, v) -> cmd.add("--" + k + "=" + v));
        Process process = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve(log).toFile()).start();
        awaitHealthy(port, process, work.resolve(log));
        return process;
    }

    static void awaitHealthy(int port, Process process, Path log) throws Exception {
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                .timeout(Duration.ofSeconds(2)).build();
        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofSeconds(90).toNanos()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway exited; see " + log);
            }
            try {
                if (HTTP.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the gateway did not become healthy; see " + log);
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
            if (e.getMessage().contains("does not exist") || e.getMessage().contains("not found")) {
                return ids;
            }
            throw e;
        }
        return ids;
    }

    static long count(String url, String user, String query) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, "");
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
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
