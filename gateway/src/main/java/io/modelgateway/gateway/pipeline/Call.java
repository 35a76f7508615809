package io.modelgateway.gateway.pipeline;

import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.deployment.Deployment;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.http.HttpHeaders;

/**
 * One API call on its way through the pipeline. Identity and request facts are fixed; the token budget
 * may be lowered at admission (credits), and the forwarding and first-token moments are recorded by the
 * handler. Stages keep their own per-call state under their own key ({@link #put}, {@link #get}).
 */
public final class Call {

    private final String requestId;
    private final Caller caller;
    private final Deployment deployment;
    private final Operation operation;
    private final boolean stream;
    private final int promptTokens;
    private final int requestBytes;
    private final Instant startedAt;
    private final HttpHeaders responseHeaders;
    private final Map<Object, Object> state = new ConcurrentHashMap<>(4);
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile int maxTokens;
    private volatile boolean forwarded;
    private volatile Instant firstTokenAt;
    private volatile List<String> prompts = List.of();
    private volatile Set<String> parameters = Set.of();
    private volatile OutputFilter outputFilter = OutputFilter.NONE;
    private volatile Map<String, Object> promptFilterResults;
    private volatile boolean billedWhenFiltered;

    public Call(String requestId, Caller caller, Deployment deployment, Operation operation, boolean stream,
            int promptTokens, int maxTokens, int requestBytes, Instant startedAt, HttpHeaders responseHeaders) {
        this.requestId = requestId;
        this.caller = caller;
        this.deployment = deployment;
        this.operation = operation;
        this.stream = stream;
        this.promptTokens = promptTokens;
        this.maxTokens = maxTokens;
        this.requestBytes = requestBytes;
        this.startedAt = startedAt;
        this.responseHeaders = responseHeaders;
    }

    public String requestId() {
        return requestId;
    }

    /** Who is calling; never {@code null} on the API endpoints. */
    public Caller caller() {
        return caller;
    }

    public String tenant() {
        return caller.tenant();
    }

    public Deployment deployment() {
        return deployment;
    }

    public Operation operation() {
        return operation;
    }

    public boolean stream() {
        return stream;
    }

    /** Prompt tokens counted at admission (exact for embeddings, the local count for generations). */
    public int promptTokens() {
        return promptTokens;
    }

    /** The most tokens the answer may take (zero for embeddings). */
    public int maxTokens() {
        return maxTokens;
    }

    /** Lowers the answer's token budget; never raises it. */
    public void limitMaxTokens(int tokens) {
        if (tokens < 1) {
            throw new IllegalArgumentException("max tokens must be positive: " + tokens);
        }
        maxTokens = Math.min(maxTokens, tokens);
    }

    public int requestBytes() {
        return requestBytes;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** Headers of the response, admitted or not (e.g. {@code x-ratelimit-*}). */
    public HttpHeaders responseHeaders() {
        return responseHeaders;
    }

    /** Whether the call was sent to a backend. */
    public boolean forwarded() {
        return forwarded;
    }

    public void markForwarded() {
        forwarded = true;
    }

    /**
     * The backend turned the call away before any replica took it (every replica at its concurrency limit): it
     * did not reach a backend after all, so it gets no usage record and no backend-call metrics.
     */
    public void markTurnedAway() {
        forwarded = false;
    }

    public Instant firstTokenAt() {
        return firstTokenAt;
    }

    public void markFirstToken(Instant at) {
        if (firstTokenAt == null) {
            firstTokenAt = at;
        }
    }

    /**
     * Describes what the call sends: its prompt texts (one for generations, the inputs of an embeddings
     * call) and the request's top-level parameter names. Set by the handler before admission.
     */
    public Call describe(List<String> prompts, Set<String> parameters) {
        this.prompts = List.copyOf(prompts);
        this.parameters = Set.copyOf(parameters);
        return this;
    }

    /** The prompt texts to forward; a stage may have redacted them. */
    public List<String> prompts() {
        return prompts;
    }

    /** Replaces the prompt texts (redaction); same count as before. */
    public void replacePrompts(List<String> replaced) {
        if (replaced.size() != prompts.size()) {
            throw new IllegalArgumentException("prompt count changed");
        }
        prompts = List.copyOf(replaced);
    }

    /** The request's top-level parameter names (e.g. {@code temperature}, {@code stop}). */
    public Set<String> parameters() {
        return parameters;
    }

    /** The filter the generated text passes through ({@link OutputFilter#NONE} without content rules). */
    public OutputFilter outputFilter() {
        return outputFilter;
    }

    public void filterOutput(OutputFilter filter) {
        outputFilter = filter;
    }

    /** Azure's {@code content_filter_results} for the prompt, or {@code null} when no content rules apply. */
    public Map<String, Object> promptFilterResults() {
        return promptFilterResults;
    }

    public void annotatePrompt(Map<String, Object> results) {
        promptFilterResults = results;
    }

    /**
     * Whether a prompt a content rule blocked is billed (its prompt tokens, as Azure does): the call then
     * ends {@link Outcome#FILTERED} with the prompt's tokens as usage, else with none.
     */
    public boolean billedWhenFiltered() {
        return billedWhenFiltered;
    }

    public void billWhenFiltered(boolean billed) {
        billedWhenFiltered = billed;
    }

    /** Stores a stage's per-call state under its own key. */
    public void put(Object key, Object value) {
        state.put(key, value);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Object key) {
        return (T) state.get(key);
    }

    boolean end() {
        return ended.compareAndSet(false, true);
    }
}
