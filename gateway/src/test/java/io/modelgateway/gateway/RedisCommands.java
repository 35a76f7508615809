package io.modelgateway.gateway;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.time.Duration;

/** What tests that count Redis round trips ask a Redis of their own ({@link Replicas#startOwnRedis}). */
public final class RedisCommands {

    private RedisCommands() {}

    /** A redis-server of the test's own on a free port, a client and an admin connection to it; close ends all. */
    public static final class OwnRedis implements AutoCloseable {

        private final int port;
        private final Process process;
        private final RedisClient client;
        private final StatefulRedisConnection<String, String> admin;

        private OwnRedis(int port) throws Exception {
            this.port = port;
            this.process = Replicas.startOwnRedis(port);
            this.client = RedisClient.create(url());
            this.admin = client.connect();
        }

        public static OwnRedis start() throws Exception {
            return new OwnRedis(Replicas.freePort());
        }

        public String url() {
            return "redis://127.0.0.1:" + port;
        }

        public RedisClient client() {
            return client;
        }

        /** The connection the counting and pausing above are asked on. */
        public StatefulRedisConnection<String, String> admin() {
            return admin;
        }

        @Override
        public void close() {
            admin.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            process.destroy();
        }
    }

    /**
     * Script calls Redis ran ({@code EVALSHA} and {@code EVAL}, refused ones included, from {@code INFO
     * commandstats}); the counts of the other commands include those the scripts ran.
     */
    public static long scriptCalls(StatefulRedisConnection<String, String> admin) {
        long n = 0;
        for (String line : admin.sync().info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_eval:")) {
                for (String field : line.substring(line.indexOf(':') + 1).split(",")) {
                    if (field.startsWith("calls=") || field.startsWith("rejected_calls=")) {
                        n += Long.parseLong(field.substring(field.indexOf('=') + 1));
                    }
                }
            }
        }
        return n;
    }

    /**
     * Runs {@code submit} while Redis holds back every write (scripts included), then lets them through: what is
     * submitted meanwhile meets batches still in flight.
     */
    public static void whileWritesPaused(StatefulRedisConnection<String, String> admin, Runnable submit) {
        client(
                admin,
                new CommandArgs<>(StringCodec.UTF8).add("PAUSE").add(60_000).add("WRITE"));
        try {
            submit.run();
        } finally {
            client(admin, new CommandArgs<>(StringCodec.UTF8).add("UNPAUSE"));
        }
    }

    private static void client(StatefulRedisConnection<String, String> admin, CommandArgs<String, String> args) {
        admin.sync().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8), args);
    }
}
