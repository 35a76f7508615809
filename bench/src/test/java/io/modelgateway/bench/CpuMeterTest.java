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
}
