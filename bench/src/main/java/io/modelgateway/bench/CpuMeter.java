package io.modelgateway.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where the machine's CPU went during a phase, from Linux {@code /proc}: this JVM (load generator and
 * model server), the gateway process, every other process, the kernel's interrupt handling, the hypervisor's
 * steal, and the rest (idle). On a small shared machine this tells whether a phase was CPU-bound and whether
 * other processes interfered. Silent (n/a) off Linux.
 *
 * <p>Shares are of the wall-clock time between two samples, from the processes' own CPU times ({@code
 * /proc/PID/stat}, which the kernel keeps from each task's measured run time), not from {@code /proc/stat}'s
 * per-CPU busy and idle counters: on a tickless kernel with tick-sampled accounting (this project's machines:
 * {@code CONFIG_NO_HZ_IDLE}, {@code CONFIG_TICK_CPU_ACCOUNTING}) those add up to anything from 0.75 to 1.4 times
 * the wall-clock time under a load of many short bursts (measured: 598 to 1,150 ticks in 802), and the difference
 * showed up as 0.3-0.45 cores of "other processes" that no process had used.
 */
final class CpuMeter {

    /**
     * At one instant: the wall clock (ns), and cumulative clock ticks of every process on the machine, this
     * process, the gateway process, the gateway's JIT compiler threads (C1 and C2: a JVM still compiling spends its
     * CPU there, not on calls), the kernel's interrupt handling (irq + softirq from {@code /proc/stat}: the loopback
     * network's packets are handled there, charged to no process) and the hypervisor's steal (time this virtual
     * machine was ready to run while another guest ran).
     */
    record Sample(
            long wallNanos, long processes, long self, long gateway, long gatewayJit, long interrupts, long steal) {}

    private CpuMeter() {}

    static Sample sample(long gatewayPid) {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return new Sample(
                    System.nanoTime(),
                    allProcessTicks(),
                    processTicks(ProcessHandle.current().pid()),
                    gatewayPid > 0 ? processTicks(gatewayPid) : 0,
                    gatewayPid > 0 ? jitTicks(gatewayPid) : 0,
                    field(f, 6) + field(f, 7),
                    field(f, 8));
        } catch (Exception e) {
            return null;
        }
    }

    private static long field(String[] cpuLine, int index) {
        return index < cpuLine.length ? Long.parseLong(cpuLine[index]) : 0;
    }

    /** Cores per clock tick between two samples (one tick over the elapsed wall-clock time), or 0 when unknown. */
    private static double scale(Sample a, Sample b) {
        if (a == null || b == null || b.wallNanos() <= a.wallNanos()) {
            return 0;
        }
        return 1e9 / TICKS_PER_SECOND / (b.wallNanos() - a.wallNanos());
    }

    /** utime + stime of a process, in the same clock ticks as /proc/stat. */
    static long processTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of the full line
        } catch (Exception e) {
            return 0;
        }
    }

    /** utime + stime of every process whose command name ({@code /proc/PID/comm}) is {@code comm}, e.g. postgres. */
    static long commandTicks(String comm) {
        long ticks = 0;
        try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    if (Files.readString(p.resolve("comm")).trim().equals(comm)) {
                        ticks += processTicks(Long.parseLong(name));
                    }
                } catch (Exception e) {
                    // the process ended meanwhile
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return ticks;
    }

    /** utime + stime of every process on the machine (kernel threads included), as far as it can read them. */
    static long allProcessTicks() {
        long ticks = 0;
        try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    ticks += processTicks(Long.parseLong(name));
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return ticks;
    }

    /** utime + stime of the process's JIT compiler threads ("C1 CompilerThre", "C2 CompilerThre"). */
    static long jitTicks(long pid) {
        long ticks = 0;
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                        String[] f =
                                stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (Exception e) {
                    // the thread ended meanwhile
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return ticks;
    }

    /** Of the measured server's CPU per call, the part its JIT compiler threads used, in microseconds; -1 unknown. */
    static double jitMicrosPerCall(Sample a, Sample b, long calls) {
        if (a == null || b == null || calls <= 0 || b.gateway() <= 0) {
            return -1;
        }
        return (b.gatewayJit() - a.gatewayJit()) / TICKS_PER_SECOND * 1e6 / calls;
    }

    /** Cores the measured server's JIT compiler threads used between two samples, or -1. */
    static double jitCores(Sample a, Sample b, int cores) {
        double scale = scale(a, b);
        if (scale == 0 || b.gateway() <= 0) {
            return -1;
        }
        return (b.gatewayJit() - a.gatewayJit()) * scale;
    }

    /** Cores used by processes other than this JVM and the gateway (kernel threads included), or -1 when unknown. */
    static double otherCores(Sample a, Sample b, int cores) {
        double scale = scale(a, b);
        if (scale == 0) {
            return -1;
        }
        return Math.max(
                0, ((b.processes() - a.processes()) - (b.self() - a.self()) - (b.gateway() - a.gateway())) * scale);
    }

    /** Cores busy on the whole machine between two samples (every process and the interrupts), or -1 when unknown. */
    static double busyCores(Sample a, Sample b, int cores) {
        double scale = scale(a, b);
        if (scale == 0) {
            return -1;
        }
        return ((b.processes() - a.processes()) + (b.interrupts() - a.interrupts())) * scale;
    }

    /** Cores the hypervisor gave to other guests while this machine's were ready to run, or -1 when unknown. */
    static double stealCores(Sample a, Sample b, int cores) {
        double scale = scale(a, b);
        if (scale == 0) {
            return -1;
        }
        return (b.steal() - a.steal()) * scale;
    }

    /** Linux's USER_HZ: the unit of /proc's CPU times (100 on every mainstream kernel). */
    static final double TICKS_PER_SECOND = 100;

    /** CPU time of the measured server process per call, in microseconds, or -1 when unknown. */
    static double microsPerCall(Sample a, Sample b, long calls) {
        if (a == null || b == null || calls <= 0 || b.gateway() <= 0) {
            return -1;
        }
        return (b.gateway() - a.gateway()) / TICKS_PER_SECOND * 1e6 / calls;
    }

    /**
     * E.g. "CPU in cores of 2: bench JVM 0.95, gateway 0.80 (JIT compiler threads 0.02), other processes 0.05,
     * interrupts 0.10, steal 0.05, idle 0.05".
     */
    static String describe(Sample a, Sample b, int cores, String serverName) {
        boolean gatewayKnown = serverName != null;
        double scale = scale(a, b);
        if (scale == 0) {
            return "CPU: n/a";
        }
        double self = (b.self() - a.self()) * scale;
        double gw = (b.gateway() - a.gateway()) * scale;
        double others = otherCores(a, b, cores);
        double interrupts = (b.interrupts() - a.interrupts()) * scale;
        double steal = (b.steal() - a.steal()) * scale;
        double idle = Math.max(0, cores - self - gw - others - interrupts - steal);
        double jit = (b.gatewayJit() - a.gatewayJit()) * scale;
        return String.format(
                Locale.ROOT,
                "CPU in cores of %d: bench JVM %.2f, %s %.2f, interrupts %.2f, steal %.2f, idle %.2f",
                cores,
                self,
                gatewayKnown
                        ? serverName + " " + String.format(Locale.ROOT, "%.2f (JIT compiler threads %.2f)", gw, jit)
                                + ", other processes"
                        : "other processes (incl. the servers)",
                others,
                interrupts,
                steal,
                idle);
    }
}
