package io.modelgateway.gateway.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The gateway's package rules, on its main classes. Today's violations are frozen in the committed store
 * (src/test/resources/archunit-store, see archunit.properties): they pass, a new one fails, and the store
 * shrinks by itself when one is fixed. {@link ArchitectureFixtureTest} shows each rule failing.
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.modelgateway.gateway");

    /** No cycles between the top-level feature packages (a package's {@code internal} is part of it). */
    static ArchRule noCyclesBetweenFeatures(String root) {
        return slices().matching(root + ".(*)..")
                .namingSlices("$1")
                .should()
                .beFreeOfCycles()
                .as("top-level feature packages of " + root + " are free of cycles");
    }

    @Test
    void featurePackagesHaveNoNewCycles() {
        Frozen.freeze(noCyclesBetweenFeatures("io.modelgateway.gateway")).check(MAIN);
    }

    @Test
    void noNewAccessToAnotherPackagesInternal() {
        Frozen.freeze(InternalAccess.onlyFromOwnPackage()).check(MAIN);
    }
}
