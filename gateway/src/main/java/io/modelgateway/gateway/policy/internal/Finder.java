package io.modelgateway.gateway.policy.internal;

/** Finds the matches of one rule in a text, in linear time. */
public interface Finder {

    /** Receives one match {@code [start, end)}. */
    interface Sink {
        void match(int start, int end);
    }

    void find(CharSequence text, Sink sink);

    /** The longest text a match can span, or {@code -1} when unbounded. */
    int longest();
}
