package io.modelgateway.gateway.pipeline;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Watches one call's generated text as it arrives (content rules). The handler passes every delta
 * through {@link #accept} and sends what it returns; a filter may hold back a bounded tail (to redact
 * a match split across deltas) and returns it from {@link #finish}. When {@link #stopped()} turns true
 * the handler ends the answer with {@code finish_reason: "content_filter"} and cancels the backend.
 * Deltas of one call arrive one at a time.
 */
public interface OutputFilter {

    /** No content rules: text passes unchanged, nothing is reported. */
    OutputFilter NONE = new OutputFilter() {
        @Override
        public String accept(String delta) {
            return delta;
        }

        @Override
        public String finish() {
            return "";
        }

        @Override
        public boolean stopped() {
            return false;
        }

        @Override
        public @Nullable Map<String, Object> results() {
            return null;
        }
    };

    /** The text to send now for this delta (possibly empty, possibly redacted). */
    String accept(String delta);

    /** The backend finished: the held-back rest, scanned. May stop the answer too. */
    String finish();

    /** A rule stopped the answer; nothing more is sent. */
    boolean stopped();

    /** Azure's per-choice {@code content_filter_results}, or {@code null} when no content rules apply. */
    @Nullable
    Map<String, Object> results();
}
