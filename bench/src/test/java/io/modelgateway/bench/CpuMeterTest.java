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
    void sharesAreOfTheWallClockAndOtherProcessesAreTheRestOfEveryProcess() {
        // one second, 2 cores: this JVM 0.40 core, the gateway 0.60, other processes 0.10, interrupts 0.20,
        // steal 0.20, so idle 0.50
        CpuMeter.Sample a = new CpuMeter.Sample(5_000_000_000L, 1_000, 100, 100, 10, 30, 40);
        CpuMeter.Sample b = new CpuMeter.Sample(6_000_000_000L, 1_110, 140, 160, 10, 50, 60);
        assertThat(CpuMeter.otherCores(a, b, 2)).isCloseTo(0.10, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(CpuMeter.stealCores(a, b, 2)).isCloseTo(0.20, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(CpuMeter.busyCores(a, b, 2)).isCloseTo(1.30, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(CpuMeter.describe(a, b, 2, "gateway"))
                .isEqualTo("CPU in cores of 2: bench JVM 0.40, gateway 0.60 (JIT compiler threads 0.00),"
                        + " other processes 0.10, interrupts 0.20, steal 0.20, idle 0.50");
        assertThat(CpuMeter.describe(b, a, 2, "gateway")).isEqualTo("CPU: n/a");
    }

    @Test
    void theMachinesSamplesCountEveryProcess() {
        long self = ProcessHandle.current().pid();
        CpuMeter.Sample s = CpuMeter.sample(self);
        assertThat(s).isNotNull();
        assertThat(s.self()).isPositive();
        assertThat(s.processes()).as("every process, this JVM among them").isGreaterThanOrEqualTo(s.self());
        assertThat(s.gateway()).isLessThanOrEqualTo(CpuMeter.processTicks(self));
    }
}
