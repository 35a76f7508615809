package io.modelgateway.modelserver.internal;

import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.modelgateway.modelserver.EchoSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The models of one server, their threads, and the gRPC service over them. */
public final class ModelHost implements AutoCloseable {

    private static final int EMBEDDING_QUEUE = 256;

    private final Counters counters = new Counters();
    private final ServerControls controls = new ServerControls();
    private final ScheduledThreadPoolExecutor timer =
            new ScheduledThreadPoolExecutor(2, new DaemonThreads("echo-timer-"));
    private final ThreadPoolExecutor embeddingPool;
    private final EchoModel echo;
    private final MiniLmEmbedder embedder;
    private final ModelRegistry registry;

    public ModelHost(EchoSettings echoSettings, boolean embeddings) {
        this(echoSettings, embeddings, false);
    }

    public ModelHost(EchoSettings echoSettings, boolean embeddings, boolean ensemble) {
        this(echoSettings, embeddings, ensemble, false);
    }

    /** @param explicitModelControl models start unloaded and are loaded with RepositoryModelLoad */
    public ModelHost(EchoSettings echoSettings, boolean embeddings, boolean ensemble, boolean explicitModelControl) {
        this(echoSettings, embeddings, ensemble, explicitModelControl, false);
    }

    /** @param echoAsEnsemble {@code echo} speaks the ensemble's tensors instead of the vLLM backend's */
    public ModelHost(
            EchoSettings echoSettings,
            boolean embeddings,
            boolean ensemble,
            boolean explicitModelControl,
            boolean echoAsEnsemble) {
        timer.setRemoveOnCancelPolicy(true);
        int threads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() - 1));
        embeddingPool = new ThreadPoolExecutor(
                threads,
                threads,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(EMBEDDING_QUEUE),
                new DaemonThreads("embeddings-"),
                new ThreadPoolExecutor.AbortPolicy());
        echo = new EchoModel(echoSettings, timer);
        embedder = embeddings ? new MiniLmEmbedder() : null;
        List<Model> models = new ArrayList<>(
                List.of(echoAsEnsemble ? new EnsembleEchoModel(EchoModel.NAME, echo::settings, timer) : echo));
        if (ensemble) {
            models.add(new EnsembleEchoModel(echo::settings, timer));
        }
        if (embedder != null) {
            models.add(new MiniLmModel(embedder, embeddingPool));
        }
        registry = new ModelRegistry(models, explicitModelControl, timer);
    }

    /** Starts loading the embedding model in the background. */
    public void start() {
        if (embedder != null) {
            embedder.loadInBackground();
        }
    }

    public ServerServiceDefinition service() {
        return ServerInterceptors.intercept(new InferenceService(registry, counters, controls), new GrpcErrorMode());
    }

    public Counters counters() {
        return counters;
    }

    public ServerControls controls() {
        return controls;
    }

    public EchoModel echo() {
        return echo;
    }

    public Optional<MiniLmEmbedder> embedder() {
        return Optional.ofNullable(embedder);
    }

    public List<String> modelNames() {
        return registry.all().stream().map(Model::name).toList();
    }

    public boolean awaitEmbeddingsLoaded(Duration timeout) {
        return embedder != null && embedder.awaitLoaded(timeout);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        embeddingPool.shutdownNow();
    }
}
