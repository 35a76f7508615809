package io.modelgateway.gateway.policy.internal;

import io.modelgateway.gateway.policy.ContentRules;

/**
 * A bench fixture (the gateway's test jar, used by the bench module): the stream filter the compliance stage
 * puts on an answer, with hits dropped.
 */
public final class PolicyProbe {

    private final StreamFilter filter;

    public PolicyProbe(ContentRules rules, int window) {
        this.filter = new StreamFilter(rules, window, (match, text, side) -> {});
    }

    /** What may be sent of the answer so far, after {@code delta}. */
    public String accept(String delta) {
        return filter.accept(delta);
    }

    /** The rest of the answer, at its end. */
    public String finish() {
        return filter.finish();
    }
}
