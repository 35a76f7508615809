package io.modelgateway.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolConfigTest {

    @Test
    void defaults() {
        PoolConfig c = PoolConfig.builder("llm", List.of("triton:8001")).build();
        assertThat(c.layout()).isEqualTo(Layout.AUTO);
        assertThat(c.maxAttempts()).isEqualTo(3);
        assertThat(c.maxConcurrentPerReplica()).isEqualTo(64);
        assertThat(c.timeouts()).isEqualTo(new PoolConfig.Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(30)));
        assertThat(c.health().pollInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.breaker().failureRatePercent()).isEqualTo(50f);
    }

    @Test
    void aModelsLayoutOverridesThePoolsOne() {
        PoolConfig c = PoolConfig.builder("llm", List.of("triton:8001"))
                .layout(Layout.VLLM)
                .layouts(Map.of("ensemble", Layout.TRTLLM_ENSEMBLE))
                .build();
        assertThat(c.layoutOf("ensemble")).isEqualTo(Layout.TRTLLM_ENSEMBLE);
        assertThat(c.layoutOf("llama")).isEqualTo(Layout.VLLM);
    }

    @Test
    void endpointsMustBeHostAndPort() {
        assertThat(PoolConfig.Endpoint.parse("[::1]:8001")).isEqualTo(new PoolConfig.Endpoint("::1", 8001));
        assertThatThrownBy(() -> PoolConfig.builder("llm", List.of("triton")).build())
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> PoolConfig.builder("llm", List.of("triton:x")).build())
                .hasMessageContaining("number");
        assertThatThrownBy(() -> PoolConfig.builder("llm", List.of("triton:0")).build())
                .hasMessageContaining("range");
        assertThatThrownBy(() -> PoolConfig.builder("llm", List.of()).build()).hasMessageContaining("at least one");
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() ->
                        PoolConfig.builder("llm", List.of("t:1")).maxAttempts(0).build())
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> PoolConfig.builder("llm", List.of("t:1"))
                        .maxConcurrentPerReplica(0)
                        .build())
                .hasMessageContaining("maxConcurrentPerReplica");
        assertThatThrownBy(() -> PoolConfig.builder(" ", List.of("t:1")).build())
                .hasMessageContaining("name");
    }

    @Test
    void durationsAndRatesAreChecked() {
        assertThatThrownBy(() -> new PoolConfig.Timeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("firstToken");
        assertThatThrownBy(() ->
                        new PoolConfig.Health(Duration.ofSeconds(1), Duration.ofSeconds(-1), Duration.ofSeconds(1)))
                .hasMessageContaining("pollTimeout");
        assertThatThrownBy(() -> new PoolConfig.Breaker(10, 0, 5, Duration.ofSeconds(1), 1))
                .hasMessageContaining("failureRatePercent");
        assertThatThrownBy(() -> new PoolConfig.Breaker(10, 50, 0, Duration.ofSeconds(1), 1))
                .hasMessageContaining("minimumCalls");
    }
}
