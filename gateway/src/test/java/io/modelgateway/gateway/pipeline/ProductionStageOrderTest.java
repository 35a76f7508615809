package io.modelgateway.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.GatewayTestBase;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.OrderUtils;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.util.ClassUtils;

/**
 * The stages the real application context gives the pipeline run in {@link StageOrder}'s order: the access log,
 * metrics, call outcomes, usage, lifecycle, compliance, quota, credits (the test context's own recording stage aside).
 */
class ProductionStageOrderTest extends GatewayTestBase {

    @Autowired
    Pipeline pipeline;

    @Test
    void theRealStagesRunInStageOrder() {
        List<Class<?>> stages = Arrays.stream((CallStage[]) ReflectionTestUtils.getField(pipeline, "stages"))
                .<Class<?>>map(s -> ClassUtils.getUserClass(s.getClass()))
                .filter(c -> !c.getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .getPath()
                        .contains("test-classes"))
                .toList();

        assertThat(stages)
                .extracting(Class::getSimpleName)
                .containsExactly(
                        "AccessLogStage",
                        "MetricsStage",
                        "OutcomeStage",
                        "UsageStage",
                        "LifecycleStage",
                        "ComplianceStage",
                        "QuotaStage",
                        "CreditStage");
        assertThat(stages)
                .extracting(ProductionStageOrderTest::order)
                .containsExactly(
                        StageOrder.ACCESS_LOG,
                        StageOrder.METRICS,
                        StageOrder.OUTCOMES,
                        StageOrder.USAGE,
                        StageOrder.LIFECYCLE,
                        StageOrder.COMPLIANCE,
                        StageOrder.QUOTA,
                        StageOrder.CREDITS);
    }

    /** The order a stage's class declares: its {@code @Order}, or {@link Ordered#getOrder()} for one without. */
    private static @Nullable Integer order(Class<?> stage) {
        Integer declared = OrderUtils.getOrder(stage);
        if (declared != null) {
            return declared;
        }
        if (Ordered.class.isAssignableFrom(stage)) {
            return (Integer) ReflectionTestUtils.getField(stage, "ORDER");
        }
        return null;
    }
}
