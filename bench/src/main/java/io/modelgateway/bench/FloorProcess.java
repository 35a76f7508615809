package io.modelgateway.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@link FloorBridge} as its own JVM (same heap as the gateway), so the bench measures its CPU per call
 * from {@code /proc} exactly as it measures the gateway's.
 */
final class FloorProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private FloorProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static FloorProcess start(String heap, String backend, List<String> jvmArgs)
            throws IOException, InterruptedException {
        int port = GatewayProcess.freePort();
        Path log = Files.createTempFile("bench-floor-", ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(FloorBridge.class.getName());
        cmd.add(String.valueOf(port));
        cmd.add(backend);
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        FloorProcess fp = new FloorProcess(p, port, log);
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the floor bridge exited with code " + p.exitValue() + "; log " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return fp;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        fp.close();
        throw new IllegalStateException("the floor bridge did not listen within 60 s; log " + log);
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
