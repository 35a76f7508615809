package io.modelgateway.gateway.pipeline;

import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.deployment.Deployment;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/**
 * One API call on its way through the pipeline. Identity and request facts are fixed; the token budget
 * may be lowered at admission (credits), and the forwarding and first-token moments are recorded by the
 * handler. Stages keep their own per-call state in typed {@link Slot}s ({@link #put}, {@link #get}); a value
 * another stage reads crosses through a slot the producing feature publishes in its public API.
 */
public final class Call {

    /** The exchange attribute that holds the request's call, once it has one. */
    public static final String ATTRIBUTE = Call.class.getName();

    private final String requestId;
    private final Caller caller;
    private final Deployment deployment;
    private final Operation operation;
    private final boolean stream;
    private final int promptTokens;
    private final int requestBytes;
    private final Instant startedAt;
    private final HttpHeaders responseHeaders;
    private final AtomicReferenceArray<Object> slots = new AtomicReferenceArray<>(Slot.CAPACITY);
    private final AtomicBoolean ended = new AtomicBoolean();
    private final int choices;
    private final Set<String> parameters;
    private volatile int maxTokens;
    private volatile boolean forwarded;
    private volatile @Nullable Instant firstTokenAt;
    private volatile List<String> prompts;
    private volatile int backendPromptTokens = -1;
    private volatile OutputFilter outputFilter = OutputFilter.NONE;
    private volatile @Nullable Map<String, Object> promptFilterResults;
    private volatile boolean billedWhenFiltered;
    private volatile @Nullable Executor resumeOn;

    /**
     * A call described in full: what it sends (its prompt texts, one for a Triton generation, one per message
     * for an HTTP upstream's chat, the inputs of an embeddings call), the request's top-level parameter names,
     * and its output budget ({@code maxTokens} per choice times {@code choices}). Handlers build calls through
     * {@code openai.internal.Calls} only, so no call can reach a stage undescribed.
     */
    public Call(
            String requestId,
            Caller caller,
            Deployment deployment,
            Operation operation,
            boolean stream,
            List<String> prompts,
            Set<String> parameters,
            int promptTokens,
            int maxTokens,
            int choices,
            int requestBytes,
            Instant startedAt,
            HttpHeaders responseHeaders) {
        if (choices < 1) {
            throw new IllegalArgumentException("choices must be positive: " + choices);
        }
        this.requestId = requestId;
        this.caller = caller;
        this.deployment = deployment;
        this.operation = operation;
        this.stream = stream;
        this.prompts = List.copyOf(prompts);
        this.parameters = Set.copyOf(parameters);
        this.promptTokens = promptTokens;
        this.maxTokens = maxTokens;
        this.choices = choices;
        this.requestBytes = requestBytes;
        this.startedAt = startedAt;
        this.responseHeaders = responseHeaders;
    }

    /**
     * Where the call resumes after waiting on another thread (its records made durable): the request's event
     * loop; {@code null} (the default) resumes on the thread that ended the wait.
     */
    public @Nullable Executor resumeOn() {
        return resumeOn;
    }

    public void resumeOn(Executor executor) {
        this.resumeOn = executor;
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

    /**
     * Prompt tokens: the backend's count once it reported one ({@link #backendPromptTokens}), until then the
     * gateway's own count made at admission (an estimate for generations).
     */
    public int promptTokens() {
        int reported = backendPromptTokens;
        return reported >= 0 ? reported : promptTokens;
    }

    /** Whether the backend reported the prompt's token count (else {@link #promptTokens} is the gateway's). */
    public boolean promptTokensReported() {
        return backendPromptTokens >= 0;
    }

    /** The backend said how many tokens the prompt has (Triton's {@code num_input_tokens}). */
    public void backendPromptTokens(int tokens) {
        if (tokens >= 0) {
            backendPromptTokens = tokens;
        }
    }

    /** The most tokens one choice of the answer may take (zero for embeddings). */
    public int maxTokens() {
        return maxTokens;
    }

    /** How many answers are generated for the prompt ({@code n}, or {@code best_of} when larger); 1 by default. */
    public int choices() {
        return choices;
    }

    /**
     * The most output tokens the call may produce over all its choices: {@code maxTokens × choices}. Holds,
     * TPM charges and the policy's token cap cover this, not one {@code max_tokens}.
     */
    public long outputBudget() {
        return (long) maxTokens * choices;
    }

    /**
     * The tokens the call is charged per minute at admission: prompt + {@code max_tokens × n} (embeddings: their
     * input). The quota stage charges it and the quote shows it.
     */
    public long tokenEstimate() {
        return operation == Operation.EMBEDDINGS ? promptTokens() : (long) promptTokens() + outputBudget();
    }

    /** Lowers the answer's token budget per choice; never raises it. */
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

    public @Nullable Instant firstTokenAt() {
        return firstTokenAt;
    }

    public void markFirstToken(Instant at) {
        if (firstTokenAt == null) {
            firstTokenAt = at;
        }
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
    public @Nullable Map<String, Object> promptFilterResults() {
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

    /** Puts a stage's per-call state in its slot (visible to every thread that reads the slot afterwards). */
    public <T> void put(Slot<T> slot, T value) {
        slots.set(slot.id, Objects.requireNonNull(value, slot.name));
    }

    /** The value in {@code slot}, or {@code null} when none was put. */
    @SuppressWarnings("unchecked") // only put(Slot<T>, T) writes index slot.id
    public <T> @Nullable T get(Slot<T> slot) {
        return (T) slots.get(slot.id);
    }

    /**
     * A typed place for one stage's per-call state, like Netty's {@code AttributeKey}: created once, as a
     * constant of the stage (or of the feature's public API when another stage reads it), and used as an index
     * into each call's small array of slots, so reading and writing one costs an array access rather than a
     * hash-map look-up. Reads and writes have volatile semantics: stages of one call run on different threads.
     * At most {@link #CAPACITY} slots exist in a process; creating more fails (at class initialisation).
     *
     * @param <T> what the slot holds
     */
    public static final class Slot<T> {

        /** How many slots a process may create (each call holds an array of this size). */
        static final int CAPACITY = 16;

        private static final AtomicInteger CREATED = new AtomicInteger();

        private final int id;
        private final String name;

        private Slot(int id, String name) {
            this.id = id;
            this.name = name;
        }

        /** A new slot; {@code name} says whose state it holds, for messages ({@code "quota.admission"}). */
        public static <T> Slot<T> of(String name) {
            int id = CREATED.getAndIncrement();
            if (id >= CAPACITY) {
                throw new IllegalStateException("more than " + CAPACITY + " call slots: cannot create '" + name
                        + "' (slots are constants, one per stage's state; raise Call.Slot.CAPACITY)");
            }
            return new Slot<>(id, name);
        }

        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return "Slot[" + name + "]";
        }
    }

    boolean end() {
        return ended.compareAndSet(false, true);
    }
}
