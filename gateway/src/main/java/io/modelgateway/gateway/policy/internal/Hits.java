package io.modelgateway.gateway.policy.internal;

import io.modelgateway.gateway.policy.Match;
import io.modelgateway.gateway.policy.RuleTarget;

/** Where rule hits go: the audit trail and the metrics. */
public interface Hits {

    /** A rule matched {@code text[match.start(), match.end())} on {@code side}. */
    void hit(Match match, CharSequence text, RuleTarget side);
}
