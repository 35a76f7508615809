package io.modelgateway.modelserver.internal;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.output.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * all-MiniLM-L6-v2 through langchain4j (ONNX model and tokenizer bundled in its jar, run by ONNX Runtime),
 * loaded once on a background thread.
 */
public final class MiniLmEmbedder {

    private static final Logger log = LoggerFactory.getLogger(MiniLmEmbedder.class);

    /** One embedded text: the normalized vector and the number of tokens the model's tokenizer counted. */
    public record Embedded(float[] vector, int tokens) {}

    private final CompletableFuture<EmbeddingModel> model = new CompletableFuture<>();
    private volatile ModelState state = ModelState.LOADING;

    private final java.util.concurrent.atomic.AtomicBoolean loading = new java.util.concurrent.atomic.AtomicBoolean();

    /** Starts loading on a background thread, once. */
    public void loadInBackground() {
        if (!loading.compareAndSet(false, true)) {
            return;
        }
        new DaemonThreads("embeddings-loader-").newThread(this::load).start();
    }

    public ModelState state() {
        return state;
    }

    /** Waits until the model is loaded; false on timeout or when loading failed. */
    public boolean awaitLoaded(Duration timeout) {
        try {
            model.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** Embeds non-blank texts one by one on the calling thread. */
    public List<Embedded> embed(List<String> texts) {
        EmbeddingModel loaded = model.getNow(null);
        if (loaded == null) {
            throw new IllegalStateException("embedding model is not loaded");
        }
        List<Embedded> out = new ArrayList<>(texts.size());
        for (String text : texts) {
            Response<Embedding> response = loaded.embed(text);
            out.add(new Embedded(
                    response.content().vector(), response.tokenUsage().inputTokenCount()));
        }
        return out;
    }

    private void load() {
        long started = System.nanoTime();
        try {
            // The direct executor keeps langchain4j from creating its own thread pool.
            EmbeddingModel loaded = new AllMiniLmL6V2EmbeddingModel(Runnable::run);
            loaded.embed("warm up");
            state = ModelState.READY;
            model.complete(loaded);
            log.info("all-minilm-l6-v2 loaded in {} ms", (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException | LinkageError e) {
            state = ModelState.unavailable("failed to load all-minilm-l6-v2: " + e);
            model.completeExceptionally(e);
            log.error("could not load all-minilm-l6-v2", e);
        }
    }
}
