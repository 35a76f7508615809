package io.modelgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageSplitTest {

    @Test
    void aStackCountsForTheInnermostFrameThatNamesAStage() {
        // the access log filter wraps the whole chain: a socket write under it is the edge's, Jackson under the
        // request reader is body parsing, a hold in Redis is the credits'
        assertThat(stage("java/lang/Thread.run;io/modelgateway/gateway/metering/accesslog/AccessLogFilter.filter;"
                        + "io/netty/channel/AbstractChannel.write;__GI___send"))
                .startsWith("edge");
        assertThat(
                        stage(
                                "io/modelgateway/gateway/metering/accesslog/AccessLogFilter.filter;"
                                        + "io/modelgateway/gateway/forwarding/internal/GenerationReader.chat;tools/jackson/core/json/Parser.next"))
                .isEqualTo("body parsing");
        assertThat(
                        stage(
                                "io/modelgateway/gateway/pipeline/Pipeline.admit;"
                                        + "io/modelgateway/gateway/credits/internal/CreditStage.admit;reactor/core/publisher/Mono.flatMap"))
                .isEqualTo("credits");
        assertThat(stage("io/modelgateway/billing/usage/UsageWriter.spoolLoop;sun/nio/ch/FileChannelImpl.write"))
                .isEqualTo("usage record");
        assertThat(stage("thread_start;CompileBroker::compiler_thread_loop;C2Compiler::compile_method"))
                .isEqualTo("JIT compiler");
        assertThat(stage("java/lang/Thread.run;java/util/HashMap.get")).startsWith("other");
    }

    @Test
    void sharesAndCpuPerCallAddUp(@TempDir Path dir) throws Exception {
        Path collapsed = dir.resolve("p.collapsed");
        Files.write(
                collapsed,
                List.of(
                        "io/modelgateway/gateway/quota/internal/QuotaStage.admit;java/util/HashMap.get 30",
                        "io/netty/channel/nio/NioEventLoop.run 70"));
        List<String> lines = StageSplit.read(collapsed).lines(100);
        assertThat(lines.get(0)).startsWith("edge").contains("70.0%").contains("70.0 us/call");
        assertThat(lines.get(1)).startsWith("quota").contains("30.0%").contains("30.0 us/call");
        assertThat(lines.get(2)).isEqualTo("(100 samples)");
    }

    @Test
    void redisCommandsPerCallLeaveOutTheBenchsOwnInfo() {
        String line = ReplicaBench.perCall(
                Map.of("evalsha", 10L, "info", 3L), Map.of("evalsha", 30L, "get", 10L, "info", 9L), 10);
        assertThat(line).isEqualTo("3.00 (evalsha 2.00, get 1.00)");
    }

    private static String stage(String stack) {
        return StageSplit.stageOf(stack.split(";"));
    }
}
