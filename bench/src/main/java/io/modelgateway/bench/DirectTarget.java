package io.modelgateway.bench;

import io.modelgateway.inference.ChatMessage;
import io.modelgateway.inference.ChatTemplate;
import io.modelgateway.inference.GenerationListener;
import io.modelgateway.inference.GenerationRequest;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.TokenUsage;
import io.modelgateway.inference.TritonClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Path A: one generation straight to the backend with {@link TritonClient#generate} (gRPC
 * {@code ModelStreamInfer}, the same client the gateway uses). The prompt is normally rendered once,
 * up front, with the deployment's chat template, so the backend does exactly the work it does for the
 * gateway's request; with {@code renderPerRequest} the template is rendered again for every request
 * (a diagnostic of what rendering costs).
 */
final class DirectTarget implements Target {

    private static final AtomicLong SEQ = new AtomicLong();

    private final String name;
    private final TritonClient client;
    private final String model;
    private final String prompt;
    private final int maxTokens;
    private final boolean stream;
    private final ChatTemplate perRequestTemplate;
    private final List<ChatMessage> messages;

    DirectTarget(
            String name,
            TritonClient client,
            String model,
            ChatTemplate template,
            List<ChatMessage> messages,
            int maxTokens,
            boolean stream,
            boolean renderPerRequest) {
        this.name = name;
        this.client = client;
        this.model = model;
        this.prompt = template.render(messages, true);
        this.maxTokens = maxTokens;
        this.stream = stream;
        this.perRequestTemplate = renderPerRequest ? template : null;
        this.messages = messages;
    }

    String prompt() {
        return prompt;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(Callback callback) {
        String p = perRequestTemplate == null ? prompt : perRequestTemplate.render(messages, true);
        GenerationRequest request =
                new GenerationRequest("bench-" + SEQ.incrementAndGet(), model, p, maxTokens, stream, Map.of());
        client.generate(request, new GenerationListener() {
            private long first;

            @Override
            public void onDelta(String text, int outputTokens) {
                if (first == 0 && !text.isEmpty()) {
                    first = System.nanoTime();
                }
            }

            @Override
            public void onComplete(String finishReason, TokenUsage usage) {
                long end = System.nanoTime();
                if (first == 0 || usage.completionTokens() <= 0) {
                    callback.failed("empty answer", "finish_reason=" + finishReason + " usage=" + usage);
                } else {
                    callback.done(stream ? first : end, end);
                }
            }

            @Override
            public void onError(InferenceException error, TokenUsage usageSoFar) {
                callback.failed("gRPC " + error.kind(), String.valueOf(error.getMessage()));
            }
        });
    }

    /** One blocking call for the sanity check: the generated text (deltas joined). */
    static String generateText(TritonClient client, String model, String prompt, int maxTokens, boolean stream)
            throws Exception {
        var result = new java.util.concurrent.CompletableFuture<String>();
        StringBuilder text = new StringBuilder();
        client.generate(
                new GenerationRequest(
                        "bench-sanity-" + SEQ.incrementAndGet(), model, prompt, maxTokens, stream, Map.of()),
                new GenerationListener() {
                    @Override
                    public void onDelta(String delta, int outputTokens) {
                        synchronized (text) {
                            text.append(delta);
                        }
                    }

                    @Override
                    public void onComplete(String finishReason, TokenUsage usage) {
                        synchronized (text) {
                            result.complete(text.toString());
                        }
                    }

                    @Override
                    public void onError(InferenceException error, TokenUsage usageSoFar) {
                        result.completeExceptionally(error);
                    }
                });
        return result.get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
}
