package io.modelgateway.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.config.BackendsProperties.BackendProperties;
import io.modelgateway.inference.Layout;
import io.modelgateway.inference.PoolConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * {@code gateway.backends} and {@code gateway.deployments} bound the way the application binds them: a pool
 * setting left out takes the adapter's default ({@link PoolConfig}'s, the only defaults), and a deployment's
 * {@code layout} is the adapter's {@link Layout} spelled {@code auto}, {@code vllm} or {@code ensemble}.
 */
class BackendsPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties({GatewayProperties.class, BackendsProperties.class})
    @Import(LayoutSpelling.class)
    static class Binding {}

    private final ApplicationContextRunner context =
            new ApplicationContextRunner().withUserConfiguration(Binding.class);

    private static final PoolConfig ADAPTER_DEFAULTS =
            PoolConfig.builder("defaults", List.of("localhost:8001")).build();

    @Test
    void poolSettingsLeftOutTakeTheAdaptersDefaults() {
        context.withPropertyValues("gateway.backends.fleet.endpoints=localhost:8001")
                .run(c -> {
                    BackendProperties fleet =
                            c.getBean(BackendsProperties.class).backends().get("fleet");
                    assertSameAsAdapterDefaults(fleet);
                    assertThat(fleet).isEqualTo(BackendProperties.ofEndpoints(List.of("localhost:8001")));
                });
    }

    @Test
    void givenPoolSettingsWinOverTheDefaults() {
        context.withPropertyValues(
                        "gateway.backends.fleet.endpoints=localhost:8001",
                        "gateway.backends.fleet.max-attempts=5",
                        "gateway.backends.fleet.first-token-timeout=7s",
                        "gateway.backends.fleet.breaker.window-size=9")
                .run(c -> {
                    BackendProperties fleet =
                            c.getBean(BackendsProperties.class).backends().get("fleet");
                    assertThat(fleet.maxAttempts()).isEqualTo(5);
                    assertThat(fleet.firstTokenTimeout()).isEqualTo(Duration.ofSeconds(7));
                    assertThat(fleet.breaker().windowSize()).isEqualTo(9);
                    assertThat(fleet.maxConcurrentPerReplica()).isEqualTo(ADAPTER_DEFAULTS.maxConcurrentPerReplica());
                    assertThat(fleet.breaker().minimumCalls())
                            .isEqualTo(ADAPTER_DEFAULTS.breaker().minimumCalls());
                });
    }

    @Test
    void aPoolSettingOutOfRangeIsRefused() {
        context.withPropertyValues(
                        "gateway.backends.fleet.endpoints=localhost:8001", "gateway.backends.fleet.max-attempts=0")
                .run(c -> assertThat(c).hasFailed());
    }

    @ParameterizedTest
    @CsvSource({
        "auto, AUTO",
        "AUTO, AUTO",
        "vllm, VLLM",
        "VLLM, VLLM",
        "ensemble, TRTLLM_ENSEMBLE",
        "ENSEMBLE, TRTLLM_ENSEMBLE",
        "Ensemble, TRTLLM_ENSEMBLE"
    })
    void eachLayoutSpellingBindsToTheAdaptersLayout(String spelling, Layout expected) {
        context.withPropertyValues("gateway.deployments.d.model=m", "gateway.deployments.d.layout=" + spelling)
                .run(c -> {
                    assertThat(c).hasNotFailed();
                    assertThat(c.getBean(GatewayProperties.class)
                                    .deployments()
                                    .get("d")
                                    .layout())
                            .isEqualTo(expected);
                    assertThat(LayoutSpelling.of(expected)).isEqualTo(spelling.toLowerCase());
                });
    }

    @Test
    void aDeploymentWithoutALayoutIsAuto() {
        context.withPropertyValues("gateway.deployments.d.model=m")
                .run(c -> assertThat(c.getBean(GatewayProperties.class)
                                .deployments()
                                .get("d")
                                .layout())
                        .isEqualTo(Layout.AUTO));
    }

    @ParameterizedTest
    @ValueSource(strings = {"diagonal", "trtllm", "vllm2"})
    void anUnknownLayoutIsRefused(String spelling) {
        context.withPropertyValues("gateway.deployments.d.model=m", "gateway.deployments.d.layout=" + spelling)
                .run(c -> assertThat(c)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("expected one of auto, vllm, ensemble"));
    }

    private static void assertSameAsAdapterDefaults(BackendProperties p) {
        PoolConfig d = ADAPTER_DEFAULTS;
        assertThat(p.maxConcurrentPerReplica()).isEqualTo(d.maxConcurrentPerReplica());
        assertThat(p.maxAttempts()).isEqualTo(d.maxAttempts());
        assertThat(new PoolConfig.Timeouts(p.firstTokenTimeout(), p.betweenTokensTimeout()))
                .isEqualTo(d.timeouts());
        assertThat(new PoolConfig.Health(p.pollInterval(), p.pollTimeout(), p.dnsRefresh()))
                .isEqualTo(d.health());
        var b = p.breaker();
        assertThat(new PoolConfig.Breaker(
                        b.windowSize(), b.failureRatePercent(), b.minimumCalls(), b.openDuration(), b.halfOpenCalls()))
                .isEqualTo(d.breaker());
    }
}
