package io.modelgateway.modelserver;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.modelgateway.modelserver.internal.ModelHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server speaking Triton's gRPC inference protocol (KServe v2 {@code GRPCInferenceService}) with CPU
 * models: {@code echo}, a decoupled text generator with the tensors of Triton's vLLM backend,
 * {@code echo-ensemble} (when switched on), the same generator with the tensors of a TensorRT-LLM ensemble, and
 * {@code all-minilm-l6-v2}, real sentence embeddings. Stands in for Triton in the embedded default, in tests
 * and in benchmarks.
 *
 * <p>The embedding model loads on a background thread at {@link #start()} (about a second; once per JVM).
 * Until it is loaded it behaves like a Triton model that is not at ready state: RepositoryIndex says
 * LOADING, ServerReady is false (strict readiness), and ModelReady, ModelConfig, ModelMetadata and inference
 * on it answer UNAVAILABLE. The {@code echo} model is ready at once.
 *
 * <pre>{@code
 * try (ModelServer server = ModelServer.builder().port(0).start()) {
 *     ManagedChannel channel = Grpc.newChannelBuilder(server.target(), InsecureChannelCredentials.create()).build();
 *     ...
 * }
 * }</pre>
 */
public final class ModelServer implements AutoCloseable {

    /** Name of the text generation model. */
    public static final String ECHO_MODEL = "echo";
    /** Name of the same generator behind the tensors of a TensorRT-LLM ensemble (batch dimension, typed inputs). */
    public static final String ECHO_ENSEMBLE_MODEL = "echo-ensemble";
    /** Name of the sentence embedding model. */
    public static final String EMBEDDING_MODEL = "all-minilm-l6-v2";

    private static final Logger log = LoggerFactory.getLogger(ModelServer.class);
    private static final int MAX_INBOUND_MESSAGE_BYTES = 64 * 1024 * 1024;
    private static final Duration GRACE_PERIOD = Duration.ofSeconds(3);

    private final String host;
    private final int requestedPort;
    private final ModelHost models;
    private final Server server;
    private final boolean deferEmbeddings;
    private boolean started; // guarded by this
    private volatile int boundPort = -1;

    private ModelServer(Builder builder) {
        this.host = builder.host;
        this.requestedPort = builder.port;
        this.models = new ModelHost(
                builder.echoSettings,
                builder.embeddings,
                builder.ensemble,
                builder.explicitModelControl,
                builder.echoAsEnsemble);
        this.deferEmbeddings = builder.deferEmbeddings;
        NettyServerBuilder server = NettyServerBuilder.forAddress(new InetSocketAddress(host, requestedPort))
                .directExecutor()
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .addService(models.service());
        if (builder.maxConnectionAge != null) {
            server.maxConnectionAge(builder.maxConnectionAge.toNanos(), TimeUnit.NANOSECONDS)
                    .maxConnectionAgeGrace(builder.maxConnectionAgeGrace.toNanos(), TimeUnit.NANOSECONDS);
        }
        this.server = server.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds the port and starts loading the embedding model in the background; returns this server. */
    public synchronized ModelServer start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        try {
            server.start();
        } catch (IOException e) {
            models.close();
            throw new UncheckedIOException("cannot listen on " + host + ":" + requestedPort, e);
        }
        started = true;
        boundPort = server.getPort();
        if (!deferEmbeddings) {
            models.start();
        }
        log.info("model server listening on {}:{} with models {}", host, port(), models.modelNames());
        return this;
    }

    /**
     * Starts loading the embedding model in the background, for a server built with {@link
     * Builder#deferEmbeddings}; until it is loaded the model reports not ready. Calling it again does nothing.
     */
    public void loadEmbeddings() {
        models.start();
    }

    /** The bound port (the real one when built with port 0); -1 before {@link #start()}. */
    public int port() {
        return boundPort;
    }

    /** {@code host:port} for a gRPC channel; a wildcard host becomes 127.0.0.1. */
    public String target() {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + port();
    }

    public List<String> models() {
        return models.modelNames();
    }

    public EchoSettings echoSettings() {
        return models.echo().settings();
    }

    /** Changes the speed of the echo model for requests started from now on. */
    public void echoSettings(EchoSettings settings) {
        models.echo().settings(settings);
    }

    /**
     * For tests: {@code false} makes the server report not ready (ServerReady false, ModelReady false for every
     * model) while it keeps serving the calls that still arrive, as a draining Triton does; {@code true} undoes it.
     */
    public void reportReady(boolean ready) {
        models.controls().ready(ready);
    }

    /**
     * For tests: the next {@code count} inference requests (generation or embedding) fail when issued, with
     * {@code code} and the message "injected failure: code in words" (e.g. "invalid argument") (in a stream: an error message, the call stays open).
     * {@code failNext(0, code)} clears it.
     */
    public void failNext(int count, Status.Code code) {
        models.controls().failNext(count, code);
    }

    /**
     * For tests: the next {@code count} requests of ModelStreamInfer calls send {@code afterResponses} data
     * responses, then fail with INTERNAL "injected failure mid-stream" (an error message in the stream, or the
     * call's status in Triton's gRPC-error mode), as a model crashing mid-generation does. {@code
     * failMidStream(0, 0)} clears it.
     */
    public void failMidStream(int count, int afterResponses) {
        models.controls().failMidStream(count, afterResponses);
    }

    /** For tests: how long each RepositoryModelLoad takes (explicit model-control mode). */
    public void loadDelay(Duration delay) {
        models.controls().loadDelay(delay);
    }

    /** For tests: the next RepositoryModelLoad fails, and RepositoryIndex shows {@code reason}. */
    public void failNextLoad(String reason) {
        models.controls().failNextLoad(reason);
    }

    /** Requests that passed validation and started. */
    public long startedRequests() {
        return models.counters().startedRequests();
    }

    /** Requests cancelled while running (client cancel or disconnect). */
    public long cancelledRequests() {
        return models.counters().cancelledRequests();
    }

    /** Waits for the embedding model; false on timeout, when loading failed, or when embeddings are off. */
    public boolean awaitEmbeddingsLoaded(Duration timeout) {
        return models.awaitEmbeddingsLoaded(timeout);
    }

    /** Blocks until the server has shut down. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Graceful shutdown; running calls are cut after a short grace period. */
    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(GRACE_PERIOD.toMillis(), TimeUnit.MILLISECONDS)) {
                server.shutdownNow();
                server.awaitTermination(GRACE_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            models.close();
            log.info("model server on port {} stopped", boundPort);
        }
    }

    /** Settings of a {@link ModelServer}; defaults: 127.0.0.1, ephemeral port, fast echo, embeddings on. */
    public static final class Builder {

        private String host = "127.0.0.1";
        private int port;
        private EchoSettings echoSettings = EchoSettings.fast();
        private boolean embeddings = true;
        private boolean ensemble;
        private boolean deferEmbeddings;
        private boolean explicitModelControl;
        private boolean echoAsEnsemble;
        private Duration maxConnectionAge;
        private Duration maxConnectionAgeGrace = Duration.ZERO;

        private Builder() {}

        /**
         * Triton's {@code --model-control-mode=explicit}: every model starts unloaded and is loaded and unloaded
         * with RepositoryModelLoad / RepositoryModelUnload (off by default: all models loaded, load refused).
         */
        public Builder explicitModelControl(boolean enabled) {
            this.explicitModelControl = enabled;
            return this;
        }

        /** 0 picks a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * Ends each connection after {@code age} with a GOAWAY, as servers and proxies with a connection age do,
         * cutting the calls still open {@code grace} later (clients must reconnect). Off by default.
         */
        public Builder maxConnectionAge(Duration age, Duration grace) {
            this.maxConnectionAge = Objects.requireNonNull(age, "age");
            this.maxConnectionAgeGrace = Objects.requireNonNull(grace, "grace");
            return this;
        }

        public Builder echoSettings(EchoSettings settings) {
            this.echoSettings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Whether to serve all-minilm-l6-v2 (loading it takes a few seconds, in the background). */
        public Builder embeddings(boolean enabled) {
            this.embeddings = enabled;
            return this;
        }

        /**
         * Whether to wait for {@link ModelServer#loadEmbeddings()} before loading the embedding model, so
         * that loading does not compete with the start of the process that embeds this server.
         */
        public Builder deferEmbeddings(boolean defer) {
            this.deferEmbeddings = defer;
            return this;
        }

        /**
         * For tests of layout changes: {@code echo} speaks the tensors of a TensorRT-LLM ensemble instead of the
         * vLLM backend's, as if the model had been redeployed (off by default).
         */
        public Builder echoAsEnsemble(boolean enabled) {
            this.echoAsEnsemble = enabled;
            return this;
        }

        /** Whether to serve {@code echo-ensemble} too (off by default). */
        public Builder ensemble(boolean enabled) {
            this.ensemble = enabled;
            return this;
        }

        public ModelServer build() {
            return new ModelServer(this);
        }

        /** Builds and starts the server. */
        public ModelServer start() {
            return build().start();
        }
    }
}
