package io.modelgateway.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway as a separate JVM ({@code java -jar gateway.jar}), bound to 127.0.0.1 on a free port,
 * configured on the command line with one API key and the {@code echo} deployment pointing at the
 * benchmark's model server. Its output goes to a log file in a scratch directory (which is also its
 * working directory, so nothing it writes lands in the repository).
 */
final class GatewayProcess implements AutoCloseable {

    private final Process process;
    private final Path workDir;
    private final Path log;
    private final int port;
    private final List<String> command;

    private GatewayProcess(Process process, Path workDir, Path log, int port, List<String> command) {
        this.process = process;
        this.workDir = workDir;
        this.log = log;
        this.port = port;
        this.command = command;
    }

    static GatewayProcess start(
            Path jar,
            String heap,
            String backendTarget,
            String model,
            String apiKey,
            List<String> extraArgs,
            String javaOpts)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("gateway jar not found: " + jar.toAbsolutePath()
                    + " (build it with ./mvnw package, or pass --gateway-jar, --gateway-url or --skip-gateway)");
        }
        int port = freePort();
        Path workDir = Files.createTempDirectory("bench-gateway-");
        Path log = workDir.resolve("gateway.log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-jar");
        cmd.add(jar.toAbsolutePath().toString());
        cmd.add("--server.port=" + port);
        cmd.add("--server.address=127.0.0.1");
        cmd.add("--management.server.port=0");
        cmd.add("--gateway.embedded-model-server.enabled=false");
        cmd.add("--gateway.api-keys[0].name=bench");
        cmd.add("--gateway.api-keys[0].tenant=bench");
        cmd.add("--gateway.api-keys[0].key=" + apiKey);
        cmd.add("--gateway.deployments." + model + ".model=" + model);
        cmd.add("--gateway.deployments." + model + ".backend=" + backendTarget);
        cmd.add("--gateway.deployments." + model + ".chat-template=plain");
        // the default configuration also has an embeddings deployment on the embedded server: re-point it
        cmd.add("--gateway.deployments.all-minilm-l6-v2.backend=" + backendTarget);
        cmd.addAll(extraArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (!javaOpts.isBlank()) {
            pb.environment().put("JAVA_TOOL_OPTIONS", javaOpts);
        }
        Process p = pb.directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new GatewayProcess(p, workDir, log, port, cmd);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    Path log() {
        return log;
    }

    List<String> command() {
        return command;
    }

    long pid() {
        return process.pid();
    }

    /** Polls {@code GET /readyz} (the API port's readiness) until it answers 200; fails when the process exits or time runs out. */
    void awaitHealthy(Duration timeout) throws InterruptedException {
        awaitHealthy(url(), timeout, process);
    }

    static void awaitHealthy(String baseUrl, Duration timeout, Process process) throws InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + "/readyz"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        long end = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < end) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("the gateway exited with code " + process.exitValue());
            }
            try {
                HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() == 200) {
                    return;
                }
                last = res.statusCode() + " " + res.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the gateway at " + baseUrl + " did not become healthy within "
                + timeout.toSeconds() + " s (last answer: " + last + ")");
    }

    /** The last lines of the gateway's log, for error reports. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** SIGTERM (graceful shutdown), then a hard kill after 20 s. Idempotent. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes the scratch directory (only call after {@link #close()}). */
    void deleteWorkDir() {
        try (var walk = Files.walk(workDir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
