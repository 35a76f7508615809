package io.modelgateway.billing.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import io.modelgateway.billing.Micros;
import io.modelgateway.billing.architecture.fixture.UsesSpring;
import io.modelgateway.billing.architecture.fixture.outsider.Outsider;
import io.modelgateway.billing.architecture.fixture.owner.internal.Hidden;
import org.junit.jupiter.api.Test;

/** Each rule of {@link ArchitectureTest} fails on the deliberately broken classes in {@code fixture}. */
class ArchitectureFixtureTest {

    private static JavaClasses classes(Class<?>... classes) {
        return new ClassFileImporter().importClasses(classes);
    }

    @Test
    void theSpringRuleReportsAClassThatUsesSpring() {
        EvaluationResult result = ArchitectureTest.noSpring().evaluate(classes(UsesSpring.class, Micros.class));

        assertThat(result.getFailureReport().getDetails())
                .isNotEmpty()
                .allSatisfy(v -> assertThat(v)
                        .contains(UsesSpring.class.getName())
                        .contains("org.springframework.archfixture.SpringStandIn"));
        assertThat(ArchitectureTest.noSpring().evaluate(classes(Micros.class)).hasViolation())
                .isFalse();
    }

    @Test
    void theInternalRuleReportsAnOutsider() {
        EvaluationResult result = InternalAccess.onlyFromOwnPackage().evaluate(classes(Hidden.class, Outsider.class));

        assertThat(result.getFailureReport().getDetails())
                .isNotEmpty()
                .allSatisfy(
                        v -> assertThat(v).contains(Outsider.class.getName()).contains(Hidden.class.getName()));
        assertThat(InternalAccess.onlyFromOwnPackage()
                        .evaluate(classes(Hidden.class))
                        .hasViolation())
                .isFalse();
    }
}
