package io.modelgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CpuMeterTest {

    @Test
    void aCommandsTicksSumEveryProcessOfThatName() throws Exception {
        long self = ProcessHandle.current().pid();
        String comm =
                Files.readString(Path.of("/proc", Long.toString(self), "comm")).trim();
        long mine = CpuMeter.processTicks(self);
        assertThat(mine).as("this JVM has used CPU since it started").isPositive();
        assertThat(CpuMeter.commandTicks(comm))
                .as("every process named %s, this JVM among them", comm)
                .isGreaterThanOrEqualTo(mine);
        assertThat(CpuMeter.commandTicks("no-such-command-" + self)).isZero();
    }

    @Test
    void interruptsAndStealAreNotCountedAsOtherProcesses() {
        // 2 cores, 100 ticks each: idle 0.50 core, this JVM 0.40, the gateway 0.60, interrupts 0.20, steal 0.20
        CpuMeter.Sample a = new CpuMeter.Sample(1_000, 500, 100, 100, 10, 30, 40);
        CpuMeter.Sample b = new CpuMeter.Sample(1_200, 550, 140, 160, 10, 50, 60);
        assertThat(CpuMeter.otherCores(a, b, 2)).isCloseTo(0.10, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(CpuMeter.stealCores(a, b, 2)).isCloseTo(0.20, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(CpuMeter.describe(a, b, 2, "gateway"))
                .isEqualTo("CPU in cores of 2: bench JVM 0.40, gateway 0.60 (JIT compiler threads 0.00),"
                        + " other processes 0.10, interrupts 0.20, steal 0.20, idle 0.50");
    }

    @Test
    void theMachinesSamplesReadTheKernelsCounters() {
        CpuMeter.Sample s = CpuMeter.sample(ProcessHandle.current().pid());
        assertThat(s).isNotNull();
        assertThat(s.total()).isGreaterThan(s.idle() + s.interrupts() + s.steal());
        assertThat(s.gateway())
                .isPositive()
                .isLessThanOrEqualTo(
                        CpuMeter.processTicks(ProcessHandle.current().pid()));
    }
}
