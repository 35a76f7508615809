package io.modelgateway.gateway.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The project's package rules, on the main classes of all four modules: the gateway's test class path holds
 * billing, inference-adapter and model-server (its compile dependencies), so this one test checks them all
 * and the rules live in one place. No violation is tolerated (nothing is frozen): {@link
 * ArchitectureFixtureTest} shows each rule failing on deliberately broken classes.
 */
class ArchitectureTest {

    private static final String GATEWAY = "io.modelgateway.gateway";

    /** The modules that are plain libraries: only the gateway is a Spring application. */
    static final String[] WITHOUT_SPRING = {
        "io.modelgateway.billing..", "io.modelgateway.inference..", "io.modelgateway.modelserver.."
    };

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.modelgateway");

    /** No cycles between the top-level feature packages (a package's {@code internal} is part of it). */
    static ArchRule noCyclesBetweenFeatures(String root) {
        return slices().matching(root + ".(*)..")
                .namingSlices("$1")
                .should()
                .beFreeOfCycles()
                .as("top-level feature packages of " + root + " are free of cycles");
    }

    /** No class in {@code packages} depends on Spring. */
    static ArchRule noSpringIn(String... packages) {
        return noClasses()
                .that()
                .resideInAnyPackage(packages)
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.springframework..")
                .as("no class in " + String.join(", ", packages) + " depends on Spring");
    }

    @Test
    void theModulesAreThere() {
        // the rules below would pass vacuously if a module's classes were missing from the class path
        for (String pkg : new String[] {
            GATEWAY, "io.modelgateway.billing", "io.modelgateway.inference", "io.modelgateway.modelserver"
        }) {
            assertThat(MAIN.stream()
                            .filter(c -> c.getPackageName().startsWith(pkg))
                            .count())
                    .as(pkg)
                    .isGreaterThan(10);
        }
    }

    @Test
    void gatewayFeaturePackagesHaveNoCycles() {
        noCyclesBetweenFeatures(GATEWAY).check(MAIN);
    }

    @Test
    void noAccessToAnotherPackagesInternal() {
        InternalAccess.onlyFromOwnPackage().check(MAIN);
    }

    @Test
    void billingInferenceAdapterAndModelServerUseNoSpring() {
        noSpringIn(WITHOUT_SPRING).check(MAIN);
    }
}
