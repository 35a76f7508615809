package io.modelgateway.modelserver;

import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;

/**
 * {@code java -jar model-server.jar --port 8001 [--host 0.0.0.0] [--ttft-ms N] [--tokens-per-second N]
 * [--no-embeddings] [--ensemble]}: runs the model server until SIGTERM.
 */
public final class ModelServerMain {

    private static final String USAGE = "usage: java -jar model-server.jar [--port N] [--host HOST] [--ttft-ms N]"
            + " [--tokens-per-second N] [--no-embeddings] [--ensemble]";

    private ModelServerMain() {}

    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "model-server-logback.xml");
        }
        ModelServer.Builder builder;
        try {
            builder = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        ModelServer server = builder.start();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            System.out.println("model-server stopped");
                        },
                        "model-server-shutdown"));
        System.out.println("model-server listening on " + server.target() + " models " + server.models());
        server.awaitTermination();
    }

    static ModelServer.Builder parse(String[] args) {
        ModelServer.Builder builder = ModelServer.builder().port(8001);
        Duration ttft = Duration.ZERO;
        double rate = 0;
        Iterator<String> it = Arrays.asList(args).iterator();
        while (it.hasNext()) {
            String arg = it.next();
            switch (arg) {
                case "--port" -> builder.port(intValue(arg, it));
                case "--host" -> builder.host(value(arg, it));
                case "--ttft-ms" -> ttft = Duration.ofMillis(intValue(arg, it));
                case "--tokens-per-second" -> rate = doubleValue(arg, it);
                case "--no-embeddings" -> builder.embeddings(false);
                case "--ensemble" -> builder.ensemble(true);
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        return builder.echoSettings(new EchoSettings(ttft, rate));
    }

    private static String value(String option, Iterator<String> it) {
        if (!it.hasNext()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return it.next();
    }

    private static int intValue(String option, Iterator<String> it) {
        String v = value(option, it);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs an integer, got " + v);
        }
    }

    private static double doubleValue(String option, Iterator<String> it) {
        String v = value(option, it);
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got " + v);
        }
    }
}
