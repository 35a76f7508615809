package io.modelgateway.gateway.policy.internal;

import io.modelgateway.gateway.pipeline.OutputFilter;
import io.modelgateway.gateway.policy.ContentRules;
import io.modelgateway.gateway.policy.Match;
import io.modelgateway.gateway.policy.RuleAction;
import io.modelgateway.gateway.policy.RuleTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Content rules on an answer as it streams. Each delta is scanned together with a bounded look-behind
 * of the text already sent ({@code window} characters), so a match split across deltas is caught when its
 * last part arrives. Block and annotate rules hold nothing back: a block match stops the answer at once
 * (text before the match was already sent, the rest never is). Only when a rule redacts is a bounded tail
 * held back, so a split match can be replaced before any of it leaves: text is scanned once at least
 * {@code window * 3 / 2} characters are pending and everything but the last {@code window} characters (and
 * any match still growing at the end) is sent; nothing is sent unscanned, so block rules stay exact.
 * The hold-back is bounded, the stream keeps flowing.
 */
public final class StreamFilter implements OutputFilter {

    private final ContentRules rules;
    private final int window;
    private final boolean holdBack;
    private final Hits hits;
    private final StringBuilder lookBehind = new StringBuilder();
    private final StringBuilder pending = new StringBuilder();
    private final Map<String, RuleAction> hitRules = new LinkedHashMap<>();
    private final Map<String, Long> reportedUpTo = new HashMap<>();
    private long sent;
    private volatile boolean stopped;

    public StreamFilter(ContentRules rules, int window, Hits hits) {
        this.rules = rules;
        this.window = window;
        this.holdBack = rules.redacts(RuleTarget.COMPLETION);
        this.hits = hits;
    }

    @Override
    public String accept(String delta) {
        if (stopped) {
            return "";
        }
        pending.append(delta);
        if (holdBack && pending.length() < window + window / 2) {
            return "";
        }
        return process(false);
    }

    @Override
    public String finish() {
        return stopped ? "" : process(true);
    }

    @Override
    public boolean stopped() {
        return stopped;
    }

    @Override
    public synchronized Map<String, Object> results() {
        return FilterResults.of(rules, RuleTarget.COMPLETION, hitRules);
    }

    private synchronized String process(boolean last) {
        int offset = lookBehind.length();
        String text = lookBehind.append(pending).toString();
        lookBehind.setLength(offset);
        long base = sent - offset;
        int cut = last || !holdBack ? pending.length() : Math.max(0, pending.length() - window);
        List<Match> redactions = new ArrayList<>();
        for (Match m : rules.scan(text, RuleTarget.COMPLETION)) {
            if (m.end() <= offset) {
                continue;
            }
            switch (m.rule().action()) {
                case BLOCK -> {
                    report(m, text, base);
                    stopped = true;
                    cut = Math.min(cut, Math.max(0, m.start() - offset));
                }
                case REDACT -> {
                    if (!last && m.end() == text.length()) {
                        cut = Math.min(cut, Math.max(0, m.start() - offset));
                    } else {
                        report(m, text, base);
                        redactions.add(new Match(m.rule(), Math.max(0, m.start() - offset), m.end() - offset));
                    }
                }
                case ANNOTATE -> report(m, text, base);
            }
        }
        cut = straddle(cut, redactions);
        return emit(cut, redactions);
    }

    /**
     * A redaction crossing the cut is sent whole (it is complete), never in halves; when a block stopped
     * the answer, the cut moves before it instead.
     */
    private int straddle(int cut, List<Match> redactions) {
        for (Match r : redactions) {
            if (r.start() < cut && r.end() > cut) {
                cut = stopped ? r.start() : r.end();
            }
        }
        return Math.min(cut, pending.length());
    }

    private String emit(int cut, List<Match> redactions) {
        List<Match> inside = new ArrayList<>(redactions.size());
        for (Match r : redactions) {
            if (r.end() <= cut) {
                inside.add(r);
            }
        }
        String original = pending.substring(0, cut);
        String out = inside.isEmpty() ? original : ContentRules.redact(original, inside);
        lookBehind.append(original);
        if (lookBehind.length() > window) {
            lookBehind.delete(0, lookBehind.length() - window);
        }
        sent += cut;
        if (stopped) {
            pending.setLength(0);
        } else {
            pending.delete(0, cut);
        }
        return out;
    }

    private void report(Match m, String text, long base) {
        long start = base + m.start();
        Long upTo = reportedUpTo.get(m.rule().id());
        if (upTo != null && start < upTo) {
            return;
        }
        reportedUpTo.put(m.rule().id(), base + m.end());
        hitRules.merge(m.rule().id(), m.rule().action(), (a, b) -> a == RuleAction.ANNOTATE ? b : a);
        hits.hit(m, text, RuleTarget.COMPLETION);
    }
}
