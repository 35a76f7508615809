package io.modelgateway.bench;

import java.util.Arrays;

/** Runs one JMH benchmark class from its {@code main}: JMH's own command line, with the class as the pattern. */
final class Jmh {

    private Jmh() {}

    /**
     * {@code args} are JMH's options (e.g. {@code -f 1 -wi 3 -i 5 -t 16}; {@code -h} lists them); the
     * benchmarks run are {@code benchmark}'s only.
     */
    static void main(Class<?> benchmark, String[] args) throws Exception {
        String[] jmh = Arrays.copyOf(args, args.length + 1);
        jmh[args.length] = "^" + benchmark.getName().replace(".", "\\.") + "\\.";
        org.openjdk.jmh.Main.main(jmh);
    }
}
