package io.modelgateway.helm;

import static io.modelgateway.helm.Chart.FULLNAME;
import static io.modelgateway.helm.Chart.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway started ({@code java -jar ../gateway/target/gateway.jar}) with exactly the configuration the chart
 * renders: the ConfigMap's application.yaml in the directory mounted at {@code /config}, the container's
 * environment, each volume mount replaced by a local directory (the root file system stays as it is; the
 * gateway must write only to its mounts). Only the PostgreSQL URL (a schema of this run) and the HTTP port are
 * chosen by the test. The configuration binds and validates, the gateway becomes live and ready, its usage spool
 * lives on the spool volume, and it stops cleanly on SIGTERM.
 */
class ChartBootIT {

    private static final String PG = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String SCHEMA =
            "helm_boot_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final Path JAR =
            Path.of("..", "gateway", "target", "gateway.jar").toAbsolutePath().normalize();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Process gateway;

    @AfterAll
    static void cleanUp() throws Exception {
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly();
        }
        sql("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theGatewayStartsWithTheRenderedConfigurationAndKeepsItsSpoolOnTheVolume() throws Exception {
        assertThat(JAR).as("built by the gateway module's package phase").isRegularFile();
        sql("CREATE SCHEMA " + SCHEMA);
        Chart.Rendered r = Chart.render(
                t -> t.set("postgresql.url", PG + "?currentSchema=" + SCHEMA).set("postgresql.username", "postgres"));
        Map<String, Object> container = at(r.get("Deployment", FULLNAME), "spec.template.spec.containers.0");
        String applicationYaml =
                (String) ((Map<?, ?>) at(r.get("ConfigMap", FULLNAME), "data")).get("application.yaml");

        Path root = Files.createTempDirectory("chart-boot");
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (Map<String, Object> m : (List<Map<String, Object>>) container.get("volumeMounts")) {
            String name = (String) m.get("name");
            mounts.put((String) m.get("mountPath"), Files.createDirectories(root.resolve(name)));
        }
        Files.writeString(mounts.get("/config").resolve("application.yaml"), local(applicationYaml, mounts));

        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) container.get("env")) {
            assertThat(e).as("the default values use no secrets").containsKey("value");
            env.put((String) e.get("name"), local((String) e.get("value"), mounts));
        }
        int port = freePort();
        env.put("SERVER_PORT", String.valueOf(port));
        env.put("SERVER_ADDRESS", "127.0.0.1");
        env.put("MANAGEMENT_SERVER_PORT", String.valueOf(freePort()));

        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-jar",
                JAR.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(root.resolve("gateway.log").toFile());
        pb.environment().putAll(env);
        gateway = pb.start();

        // the probes the chart gives Kubernetes, on the API port
        awaitStatus(port, (String) at(container, "livenessProbe.httpGet.path"), root);
        awaitStatus(port, (String) at(container, "readinessProbe.httpGet.path"), root);
        Path spool = mounts.get("/var/lib/model-gateway/usage-spool");
        assertThat(spool.resolve("lock")).as("the usage spool is on its volume").exists();
        assertThat(root.resolve("data"))
                .as("nothing written to the (read-only) working directory")
                .doesNotExist();

        gateway.destroy(); // SIGTERM, as Kubernetes stops a pod
        assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(root.resolve("gateway.log"))).doesNotContain("APPLICATION FAILED TO START");
    }

    /** The value with each mount path replaced by its local directory. */
    private static String local(String value, Map<String, Path> mounts) {
        String out = value;
        for (Map.Entry<String, Path> m : mounts.entrySet()) {
            out = out.replace("file:" + m.getKey() + "/", "file:" + m.getValue() + "/")
                    .replace("=" + m.getKey(), "=" + m.getValue())
                    .replace(": " + m.getKey(), ": " + m.getValue());
        }
        return out;
    }

    private static void awaitStatus(int port, String path, Path root) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(2))
                .build();
        Path log = root.resolve("gateway.log");
        await(path + " answering 200; see " + log)
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(250))
                .failFast("the gateway exited; see " + log, () -> !gateway.isAlive())
                .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
                .until(() -> HTTP.send(request, HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = DriverManager.getConnection(PG, "postgres", "")) {
            c.createStatement().execute(statement);
        }
    }
}
