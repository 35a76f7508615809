package org.springframework.archfixture;

/**
 * Test code only: a class in a Spring package, so the "no Spring" architecture rule can be shown failing
 * without Spring on this module's class path (the rule goes by package name).
 */
public final class SpringStandIn {
    public static String name() {
        return "spring";
    }
}
