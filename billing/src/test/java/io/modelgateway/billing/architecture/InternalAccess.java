package io.modelgateway.billing.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Optional;

/**
 * A package's {@code internal} subpackage is used only from within that package: {@code a.b.internal.X} from
 * {@code a.b} and below, never from {@code a.c}. Only the project's own packages ({@code io.modelgateway}).
 */
final class InternalAccess {

    private InternalAccess() {}

    static ArchRule onlyFromOwnPackage() {
        return classes()
                .should(notUseAnotherPackagesInternal())
                .as("a package's internal classes are used only from within that package");
    }

    static ArchCondition<JavaClass> notUseAnotherPackagesInternal() {
        return new ArchCondition<>("not use another package's internal classes") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                    JavaClass target = d.getTargetClass().getBaseComponentType();
                    Optional<String> owner = owner(target.getPackageName());
                    if (owner.isPresent() && !within(origin.getPackageName(), owner.get())) {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                }
            }
        };
    }

    /** {@code a.b} for {@code a.b.internal} or {@code a.b.internal.c}; empty for a package outside any internal. */
    static Optional<String> owner(String pkg) {
        if (!pkg.startsWith("io.modelgateway.")) {
            return Optional.empty();
        }
        String[] parts = pkg.split("\\.");
        StringBuilder prefix = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].equals("internal")) {
                return Optional.of(prefix.toString());
            }
            prefix.append('.').append(parts[i]);
        }
        return Optional.empty();
    }

    private static boolean within(String pkg, String owner) {
        return pkg.equals(owner) || pkg.startsWith(owner + ".");
    }
}
