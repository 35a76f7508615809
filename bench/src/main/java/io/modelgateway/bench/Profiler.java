package io.modelgateway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * async-profiler ({@code tools.profiler:async-profiler}, its native library taken from the jar on the bench's
 * class path) attached to a running JVM with {@code jcmd PID JVMTI.agent_load}: CPU samples of one phase,
 * written as an HTML flame graph and as collapsed stacks (for {@link StageSplit}). Linux x64 only; elsewhere it says why and does nothing.
 */
final class Profiler {

    private final Path library;

    private Profiler(Path library) {
        this.library = library;
    }

    static Profiler load() throws IOException {
        String arch = System.getProperty("os.arch");
        if (!System.getProperty("os.name").toLowerCase().contains("linux")
                || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            throw new IllegalStateException("--profile needs Linux x64");
        }
        try (InputStream in = Profiler.class.getResourceAsStream("/linux-x64/libasyncProfiler.so")) {
            if (in == null) {
                throw new IllegalStateException("async-profiler is not on the class path");
            }
            Path lib = Files.createTempFile("libasyncProfiler", ".so");
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
            lib.toFile().deleteOnExit();
            return new Profiler(lib);
        }
    }

    /** Starts CPU sampling (itimer: works without perf_events) in the JVM {@code pid}. */
    void start(long pid) throws IOException, InterruptedException {
        jcmd(pid, "start,event=itimer,interval=1ms");
    }

    /** Stops sampling and writes the flame graph; frames under 0.5% of the samples are left out to keep it small. */
    void stop(long pid, Path html) throws IOException, InterruptedException {
        Files.createDirectories(html.toAbsolutePath().getParent());
        jcmd(pid, "dump,collapsed,file=" + collapsed(html).toAbsolutePath());
        jcmd(pid, "stop,minwidth=0.5,file=" + html.toAbsolutePath());
    }

    /** The collapsed stacks (one line per stack: frames separated by ';', then the sample count) next to the graph. */
    static Path collapsed(Path html) {
        String name = html.getFileName().toString();
        return html.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".collapsed");
    }

    private void jcmd(long pid, String args) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(List.of(
                        jcmd.toString(),
                        String.valueOf(pid),
                        "JVMTI.agent_load",
                        library.toString(),
                        "\"" + args + "\""))
                .redirectErrorStream(true)
                .start();
        // quoted: jcmd's parser would take "start,event=..." for a named option; jcmd exits 0 even when the
        // agent fails, the agent's own result is its "return code"
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.contains("return code: 0")) {
            throw new IllegalStateException("jcmd " + pid + " JVMTI.agent_load " + args + " failed: " + out);
        }
    }
}
