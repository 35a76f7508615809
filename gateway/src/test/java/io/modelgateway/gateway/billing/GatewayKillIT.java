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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway as its own process ({@code java -jar target/gateway.jar}, built by {@code package} before
 * failsafe runs) on the real PostgreSQL (a schema unique to this run), killed with SIGKILL in the middle of
 * a load of plain and streamed chat calls, then started again on the same spool directory. Every call whose
 * client got a whole 200 answer (the JSON body, or a stream up to its {@code [DONE]}) has exactly one usage
 * record afterwards. The database batches wait 5 s, so at the kill nearly every record is only in the
 * spool: without the answer waiting for the spool's fsync they would be lost.
 */
class GatewayKillIT {

    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String KEY = "sk-a6267c00566bf46cdd379eb054513fbd4f5e0c7d";
    private static final String SCHEMA = "mgw_kill_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final Path JAR = Path.of("target", "gateway.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static Path work;
    private static Process gateway;

    @BeforeAll
    static void prepare() throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException("GatewayKillIT needs " + JAR.toAbsolutePath() + " (run ./mvnw verify)");
        }
        sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        work = Files.createTempDirectory("gateway-kill-it");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroy();
            gateway.waitFor(20, TimeUnit.SECONDS);
        }
        sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
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
        long storedAtKill = count("SELECT COUNT(*) FROM usage_record");
        System.out.printf("SIGKILL after %d completed calls (%d in the database at that moment)%n", atKill,
                storedAtKill);
        assertThat(completed.size()).isEqualTo(atKill).isGreaterThanOrEqualTo(300);
        assertThat(storedAtKill).as("the kill found records only in the spool").isLessThan(completed.size());

        gateway = start(port, "second.log"); // replays the spool first
        Map<String, Long> records = awaitRecords(completed);
        long missing = completed.stream().filter(id -> !records.containsKey(id)).count();
        System.out.printf("after the restart: %d records, %d completed calls missing%n", records.size(), missing);
        assertThat(missing).as("completed calls without a record").isZero();
        assertThat(records.values()).as("one record per request id").allMatch(n -> n == 1);
        assertThat(count("SELECT COALESCE(SUM(requests), 0) FROM usage_daily")).as("rollups count each once")
                .isEqualTo(records.size());
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

    private static Map<String, Long> awaitRecords(Set<String> completed) throws Exception {
        long start = System.nanoTime();
        Map<String, Long> records = Map.of();
        while (System.nanoTime() - start < Duration.ofSeconds(60).toNanos()) {
            records = records();
            if (records.keySet().containsAll(completed)) {
                Thread.sleep(500); // anything else still coming would come with the same batch
                return records();
            }
            Thread.sleep(200);
        }
        return records;
    }

    private static Process start(int port, String log) throws Exception {
        Map<String, String> p = new HashMap<>();
        p.put("server.port", String.valueOf(port));
        p.put("server.address", "127.0.0.1");
        p.put("management.server.port", "0");
        p.put("spring.datasource.url", PG + "?currentSchema=" + SCHEMA);
        p.put("spring.datasource.username", "postgres");
        p.put("spring.datasource.password", "");
        p.put("spring.flyway.schemas", SCHEMA);
        p.put("spring.flyway.default-schema", SCHEMA);
        p.put("gateway.demo-api-key", KEY);
        p.put("gateway.embedded-model-server.embeddings", "false");
        p.put("gateway.billing.spool-dir", work.resolve("spool").toString());
        p.put("gateway.billing.flush-interval", "5s");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-jar", JAR.toAbsolutePath().toString()));
        p.forEach((k, v) -> cmd.add("--" + k + "=" + v));
        Process process = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve(log).toFile()).start();
        awaitHealthy(port, process, work.resolve(log));
        return process;
    }

    private static void awaitHealthy(int port, Process process, Path log) throws Exception {
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

    private static Map<String, Long> records() throws SQLException {
        Map<String, Long> ids = new HashMap<>();
        try (Connection c = DriverManager.getConnection(PG + "?currentSchema=" + SCHEMA, "postgres", "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT request_id, COUNT(*) FROM usage_record GROUP BY request_id")) {
            while (rs.next()) {
                ids.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            if (e.getMessage().contains("does not exist")) {
                return ids; // Flyway has not created the table yet
            }
            throw e;
        }
        return ids;
    }

    private static long count(String query) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG + "?currentSchema=" + SCHEMA, "postgres", "");
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sql(String statement) throws SQLException {
        try (Connection c = DriverManager.getConnection(PG, "postgres", "")) {
            c.createStatement().execute(statement);
        } catch (SQLException e) {
            throw new SQLException("GatewayKillIT needs PostgreSQL on 127.0.0.1:5432 (database 'test', user "
                    + "'postgres', trust auth): " + e.getMessage(), e);
        }
    }
}
