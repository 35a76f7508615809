package io.modelgateway.bench.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import io.modelgateway.bench.LatencyBench;
import io.modelgateway.bench.architecture.fixture.ReachesIntoInternal;
import io.modelgateway.bench.architecture.fixture.UsesAProbe;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The bench module's own rules, on its main classes: they live in {@code io.modelgateway.bench} (never in a
 * gateway package to reach its package-private classes), and reach another module's {@code internal} classes
 * only through the gateway's test fixtures ({@code *Probe}: the real stages built outside Spring).
 */
class BenchArchitectureTest {

    private static final JavaClasses BENCH = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importLocations(java.util.Set.of(Location.of(benchClasses())));

    private static Path benchClasses() {
        try {
            return Path.of(LatencyBench.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static ArchRule livesInTheBenchPackage() {
        return classes()
                .should()
                .resideInAPackage("io.modelgateway.bench..")
                .as("the bench module's classes live in io.modelgateway.bench");
    }

    static ArchRule internalsOnlyThroughProbes() {
        return noClasses()
                .should()
                .dependOnClassesThat(resideInAPackage("..internal..").and(not(simpleNameEndingWith("Probe"))))
                .as("bench classes use another module's internal classes only through its *Probe fixtures");
    }

    @Test
    void theBenchClassesAreThere() {
        // the rules would pass vacuously on an empty import
        assertThat(BENCH.contain(LatencyBench.class)).isTrue();
        assertThat(BENCH.size()).isGreaterThan(20);
    }

    @Test
    void everyBenchClassLivesInTheBenchPackage() {
        livesInTheBenchPackage().check(BENCH);
    }

    @Test
    void benchClassesReachInternalsOnlyThroughProbes() {
        internalsOnlyThroughProbes().check(BENCH);
    }

    @Test
    void theInternalRuleFailsOnAClassReachingIntoAnInternalPackageAndPassesOnAProbe() {
        JavaClasses bad = new ClassFileImporter().importClasses(ReachesIntoInternal.class);
        assertThat(internalsOnlyThroughProbes().evaluate(bad).getFailureReport().getDetails())
                .isNotEmpty()
                .allSatisfy(v -> assertThat(v).contains("io.modelgateway.inference.internal.Failures"));

        JavaClasses good = new ClassFileImporter().importClasses(UsesAProbe.class);
        assertThat(internalsOnlyThroughProbes().evaluate(good).hasViolation()).isFalse();
    }

    @Test
    void thePackageRuleFailsOnAClassOutsideTheBenchPackage() {
        JavaClasses outside = new ClassFileImporter().importClasses(String.class);
        assertThat(livesInTheBenchPackage().evaluate(outside).hasViolation()).isTrue();
    }
}
