package io.modelgateway.gateway.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import com.tngtech.archunit.library.freeze.ViolationStore;
import io.modelgateway.gateway.architecture.fixture.a.CycleA;
import io.modelgateway.gateway.architecture.fixture.b.CycleB;
import io.modelgateway.gateway.architecture.fixture.c.CycleC;
import io.modelgateway.gateway.architecture.fixture.d.CycleD;
import io.modelgateway.gateway.architecture.fixture.outsider.Outsider;
import io.modelgateway.gateway.architecture.fixture.outsider.SecondOutsider;
import io.modelgateway.gateway.architecture.fixture.owner.Insider;
import io.modelgateway.gateway.architecture.fixture.owner.internal.Hidden;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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

        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .singleElement()
                .satisfies(v -> assertThat(Frozen.key(v)).isEqualTo("Cycle detected: a -> b -> a"));
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
    }

    @Test
    void aFrozenInternalViolationPassesAndANewOneFails() {
        ArchRule frozen = Frozen.freeze(InternalAccess.onlyFromOwnPackage()).persistIn(new MemoryStore());
        frozen.check(classes(Hidden.class, Outsider.class)); // today's violation is recorded and passes
        frozen.check(classes(Hidden.class, Outsider.class)); // and keeps passing

        assertThatThrownBy(() -> frozen.check(classes(Hidden.class, Outsider.class, SecondOutsider.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(SecondOutsider.class.getName())
                .hasMessageNotContaining(Outsider.class.getName() + ".value()");
    }

    @Test
    void aFrozenCyclePassesAndANewCycleFails() {
        ArchRule frozen =
                Frozen.freeze(ArchitectureTest.noCyclesBetweenFeatures(FIXTURE)).persistIn(new MemoryStore());
        frozen.check(classes(CycleA.class, CycleB.class));

        assertThatThrownBy(() -> frozen.check(classes(CycleA.class, CycleB.class, CycleC.class, CycleD.class)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("c -> ")
                .hasMessageNotContaining("a -> ");
    }

    @Test
    void theMatcherKnowsACycleByItsPathAndAnyOtherViolationWithoutLineNumbers() {
        assertThat(Frozen.MATCHER.matches(
                        "Cycle detected: a -> \\\n b -> \\\n a\\\n  1. Dependencies of a\\\n - x",
                        "Cycle detected: a -> \\\n b -> \\\n a\\\n  1. Dependencies of a\\\n - x\\\n - y"))
                .isTrue();
        assertThat(Frozen.MATCHER.matches("Cycle detected: a -> b -> a", "Cycle detected: a -> c -> a"))
                .isFalse();
        assertThat(Frozen.MATCHER.matches(
                        "<A.m()> calls <B.n()> in (A.java:12)", "<A.m()> calls <B.n()> in (A.java:40)"))
                .isTrue();
        assertThat(Frozen.MATCHER.matches(
                        "<A.m()> calls <B.n()> in (A.java:12)", "<A.m()> calls <C.n()> in (A.java:12)"))
                .isFalse();
    }

    /** A violation store in memory, for one test. */
    private static final class MemoryStore implements ViolationStore {
        private final Map<String, List<String>> byRule = new HashMap<>();

        @Override
        public void initialize(Properties properties) {}

        @Override
        public boolean contains(ArchRule rule) {
            return byRule.containsKey(rule.getDescription());
        }

        @Override
        public void save(ArchRule rule, List<String> violations) {
            byRule.put(rule.getDescription(), new ArrayList<>(violations));
        }

        @Override
        public List<String> getViolations(ArchRule rule) {
            return byRule.getOrDefault(rule.getDescription(), List.of());
        }
    }
}
