package io.modelgateway.gateway.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import io.modelgateway.gateway.architecture.fixture.a.CycleA;
import io.modelgateway.gateway.architecture.fixture.b.CycleB;
import io.modelgateway.gateway.architecture.fixture.outsider.Outsider;
import io.modelgateway.gateway.architecture.fixture.owner.Insider;
import io.modelgateway.gateway.architecture.fixture.owner.internal.Hidden;
import io.modelgateway.gateway.architecture.fixture.spring.UsesSpring;
import org.junit.jupiter.api.Test;

/** Each rule of {@link ArchitectureTest} fails on the deliberately broken classes in {@code fixture}. */
class ArchitectureFixtureTest {

    private static final String FIXTURE = "io.modelgateway.gateway.architecture.fixture";

    private static JavaClasses classes(Class<?>... classes) {
        return new ClassFileImporter().importClasses(classes);
    }

    @Test
    void theCycleRuleReportsACycleBetweenFeaturePackages() {
        EvaluationResult result = ArchitectureTest.noCyclesBetweenFeatures(FIXTURE)
                .evaluate(classes(CycleA.class, CycleB.class, Hidden.class, Insider.class));

        assertThat(result.getFailureReport().getDetails())
                .singleElement()
                .satisfies(v -> assertThat(v.replaceAll("[\\s\\\\]+", " ")).startsWith("Cycle detected: a -> b -> a"));
    }

    @Test
    void theCycleRulePassesWithoutACycle() {
        assertThat(ArchitectureTest.noCyclesBetweenFeatures(FIXTURE)
                        .evaluate(classes(CycleA.class, Hidden.class, Insider.class, Outsider.class))
                        .hasViolation())
                .isFalse();
    }

    @Test
    void theInternalRuleReportsAnOutsiderButNotTheOwner() {
        EvaluationResult result =
                InternalAccess.onlyFromOwnPackage().evaluate(classes(Hidden.class, Insider.class, Outsider.class));

        assertThat(result.getFailureReport().getDetails())
                .isNotEmpty()
                .allSatisfy(v -> assertThat(v)
                        .contains(Outsider.class.getName() + ".value()")
                        .contains(Hidden.class.getName()))
                .noneSatisfy(v -> assertThat(v).contains(Insider.class.getName()));
        assertThat(InternalAccess.onlyFromOwnPackage()
                        .evaluate(classes(Hidden.class, Insider.class))
                        .hasViolation())
                .isFalse();
    }

    @Test
    void theSpringRuleReportsAClassThatUsesSpringInAWatchedPackageOnly() {
        EvaluationResult result =
                ArchitectureTest.noSpringIn(FIXTURE + ".spring..").evaluate(classes(UsesSpring.class, Hidden.class));

        assertThat(result.getFailureReport().getDetails())
                .isNotEmpty()
                .allSatisfy(v -> assertThat(v)
                        .contains(UsesSpring.class.getName())
                        .contains("org.springframework.util.StringUtils"));
        assertThat(ArchitectureTest.noSpringIn(FIXTURE + ".owner..")
                        .evaluate(classes(UsesSpring.class, Hidden.class))
                        .hasViolation())
                .isFalse();
    }
}
