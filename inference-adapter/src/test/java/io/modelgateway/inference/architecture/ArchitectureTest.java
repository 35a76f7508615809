package io.modelgateway.inference.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The inference-adapter module's package rules, on its main classes: it stays free of Spring (only the gateway is a
 * Spring application), and a package's {@code internal} is used only from within it (today's violations, if
 * any, are frozen in the committed store src/test/resources/archunit-store; a new one fails).
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.modelgateway.inference");

    static ArchRule noSpring() {
        return noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.springframework..")
                .as("no class depends on Spring");
    }

    @Test
    void usesNoSpring() {
        noSpring().check(MAIN);
    }

    @Test
    void noNewAccessToAnotherPackagesInternal() {
        Frozen.freeze(InternalAccess.onlyFromOwnPackage()).check(MAIN);
    }
}
