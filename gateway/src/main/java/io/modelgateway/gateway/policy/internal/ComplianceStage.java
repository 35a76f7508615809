package io.modelgateway.gateway.policy.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.metering.MetricNames;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.CallStage;
import io.modelgateway.gateway.pipeline.Operation;
import io.modelgateway.gateway.pipeline.Quote;
import io.modelgateway.gateway.policy.ContentRules;
import io.modelgateway.gateway.policy.Match;
import io.modelgateway.gateway.policy.RuleAction;
import io.modelgateway.gateway.policy.RuleTarget;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The compliance policy, first of the admission stages (before quotas and credits, so a refused call
 * reserves nothing): deployment access, region, request size, prompt size, allowed parameters,
 * {@code max_tokens} cap, then the content rules on the prompt (block: 400 {@code content_filter};
 * redact: the forwarded prompt is changed; annotate: reported only) and the answer's filter. Everything
 * is answered from memory; prompts over {@value #LARGE_PROMPT} characters are scanned off the event loop.
 */
final class ComplianceStage implements CallStage, Ordered {

    static final int ORDER = io.modelgateway.gateway.pipeline.StageOrder.COMPLIANCE;

    static final int LARGE_PROMPT = 64 * 1024;
    private static final int MAX_AUDIT_TEXT = 200;

    private final PolicyService policies;
    private final AuditLog audit;
    private final MeterRegistry meters;
    private final Clock clock;

    ComplianceStage(PolicyService policies, AuditLog audit, MeterRegistry meters, Clock clock) {
        this.policies = policies;
        this.audit = audit;
        this.meters = meters;
        this.clock = clock;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> admit(Call call) {
        if (call.tenant() == null || call.deployment() == null) {
            return Mono.empty();
        }
        EffectivePolicy policy =
                policies.effectivePolicy(call.tenant(), call.deployment().name());
        if (policy.unrestricted()) {
            return Mono.empty();
        }
        try {
            limits(call, policy);
        } catch (ApiException e) {
            refused(e.code());
            return Mono.error(e);
        }
        if (policy.rules().isEmpty()) {
            return Mono.empty();
        }
        int chars = call.prompts().stream().mapToInt(String::length).sum();
        Mono<Void> content = Mono.fromRunnable(() -> content(call, policy));
        return chars > LARGE_PROMPT ? content.subscribeOn(Schedulers.parallel()) : content;
    }

    /**
     * What {@link #admit} would decide now: the same limits (a policy's {@code max_tokens} cap lowers the quoted
     * call's budget as it lowers the call's) and the same prompt scan, with nothing audited or counted.
     */
    @Override
    public Mono<Void> quote(Call call, Quote quote) {
        if (call.tenant() == null || call.deployment() == null) {
            return Mono.empty();
        }
        EffectivePolicy policy =
                policies.effectivePolicy(call.tenant(), call.deployment().name());
        if (policy.unrestricted()) {
            return Mono.empty();
        }
        Mono<Void> check = Mono.fromRunnable(() -> {
            limits(call, policy);
            if (!policy.rules().isEmpty()) {
                contentDecision(call, policy, (m, text, side) -> {}, code -> {});
            }
        });
        int chars = call.prompts().stream().mapToInt(String::length).sum();
        return (chars > LARGE_PROMPT ? check.subscribeOn(Schedulers.parallel()) : check)
                .onErrorResume(ApiException.class, e -> {
                    quote.refuse(new Quote.Refusal("policy", "tenant", e, null));
                    return Mono.empty();
                });
    }

    private void limits(Call call, EffectivePolicy p) {
        String deployment = call.deployment().name();
        if (!call.caller().mayUse(deployment)) {
            throw ApiException.modelNotFound(deployment);
        }
        if (!p.regions().isEmpty()
                && (call.deployment().region() == null
                        || !p.regions().contains(call.deployment().region()))) {
            throw ApiException.of(
                    HttpStatus.FORBIDDEN,
                    "invalid_request_error",
                    "model",
                    "region_not_allowed",
                    "The deployment `" + deployment + "` does not serve traffic in the regions your organization's "
                            + "policy allows (" + String.join(", ", p.regions()) + ").");
        }
        if (p.maxRequestBytes() != null && call.requestBytes() > p.maxRequestBytes()) {
            throw ApiException.of(
                    HttpStatus.PAYLOAD_TOO_LARGE,
                    "invalid_request_error",
                    null,
                    "request_too_large",
                    "Request body is larger than your organization's policy allows (" + p.maxRequestBytes()
                            + " bytes).");
        }
        if (p.maxPromptTokens() != null && call.promptTokens() > p.maxPromptTokens()) {
            throw ApiException.invalid(
                    promptParam(call),
                    "prompt_too_long",
                    "The prompt has " + call.promptTokens() + " tokens; your organization's policy allows at most "
                            + p.maxPromptTokens() + ".");
        }
        if (p.allowedParameters() != null) {
            for (String name : call.parameters()) {
                if (!EffectivePolicy.ESSENTIAL.contains(name)
                        && !p.allowedParameters().contains(name)) {
                    throw ApiException.invalid(
                            name,
                            "parameter_not_allowed",
                            "The parameter '" + name + "' is not allowed by your organization's policy.");
                }
            }
        }
        maxTokens(call, p);
    }

    /** The policy's token cap covers the whole output: {@code max_tokens × n} (or {@code best_of}). */
    private static void maxTokens(Call call, EffectivePolicy p) {
        if (p.maxTokens() == null || call.operation() == Operation.EMBEDDINGS || call.outputBudget() <= p.maxTokens()) {
            return;
        }
        String asked = call.parameters().contains("max_completion_tokens")
                ? "max_completion_tokens"
                : call.parameters().contains("max_tokens") ? "max_tokens" : null;
        long perChoice = p.maxTokens() / call.choices();
        if (perChoice < 1) {
            throw ApiException.invalid(
                    call.parameters().contains("best_of") ? "best_of" : "n",
                    "max_tokens_too_large",
                    call.choices() + " choices need at least " + call.choices() + " tokens; your organization's "
                            + "policy allows at most " + p.maxTokens() + ".");
        }
        if (p.refuseOverMaxTokens() && asked != null) {
            throw ApiException.invalid(
                    asked,
                    "max_tokens_too_large",
                    asked + " is " + call.maxTokens()
                            + (call.choices() > 1 ? " for each of " + call.choices() + " choices" : "")
                            + "; your organization's policy allows at most " + p.maxTokens() + " in all.");
        }
        call.limitMaxTokens((int) perChoice);
    }

    private void content(Call call, EffectivePolicy p) {
        call.billWhenFiltered(p.billFilteredPrompts());
        contentDecision(call, p, (m, text, side) -> hit(call, p, m, text, side), this::refused);
        if (p.rules().covers(RuleTarget.COMPLETION) && call.operation() != Operation.EMBEDDINGS) {
            call.filterOutput(new StreamFilter(p.rules(), p.window(), (m, text, side) -> hit(call, p, m, text, side)));
        }
    }

    /** Hears of a content rule's match (the call audits and counts it; a quote does not). */
    private interface HitSink {
        void hit(Match m, CharSequence text, RuleTarget side);
    }

    /**
     * The content rules' decision on the prompt (blocked: 400 {@code content_filter}; redacted and annotated on
     * the call) and on the choices an output filter can follow (one).
     */
    private static void contentDecision(
            Call call, EffectivePolicy p, HitSink hits, java.util.function.Consumer<String> refusals) {
        if (p.rules().covers(RuleTarget.PROMPT)) {
            prompt(call, p, hits, refusals);
        }
        if (p.rules().covers(RuleTarget.COMPLETION) && call.operation() != Operation.EMBEDDINGS && call.choices() > 1) {
            refusals.accept("parameter_not_allowed");
            throw ApiException.invalid(
                    call.parameters().contains("best_of") ? "best_of" : "n",
                    "parameter_not_allowed",
                    "Several choices cannot be generated under your organization's "
                            + "output content rules; send n = 1.");
        }
    }

    private static void prompt(
            Call call, EffectivePolicy p, HitSink sink, java.util.function.Consumer<String> refusals) {
        Map<String, RuleAction> hits = new LinkedHashMap<>();
        List<String> out = new ArrayList<>(call.prompts().size());
        boolean changed = false;
        for (String prompt : call.prompts()) {
            List<Match> matches = p.rules().scan(prompt, RuleTarget.PROMPT);
            for (Match m : matches) {
                sink.hit(m, prompt, RuleTarget.PROMPT);
                hits.merge(m.rule().id(), m.rule().action(), ComplianceStage::stronger);
            }
            String redacted = matches.isEmpty() ? prompt : ContentRules.redact(prompt, matches);
            changed |= redacted != prompt;
            out.add(redacted);
        }
        Map<String, Object> results = FilterResults.of(p.rules(), RuleTarget.PROMPT, hits);
        if (hits.containsValue(RuleAction.BLOCK)) {
            refusals.accept(ApiException.CONTENT_FILTER);
            throw ApiException.contentFilter("prompt", results);
        }
        if (changed) {
            call.replacePrompts(out);
        }
        call.annotatePrompt(results);
    }

    private static RuleAction stronger(RuleAction a, RuleAction b) {
        return a.ordinal() <= b.ordinal() ? a : b;
    }

    private void hit(Call call, EffectivePolicy p, Match m, CharSequence text, RuleTarget side) {
        String matched = null;
        if (p.auditMatchedText()) {
            int end = Math.min(m.end(), m.start() + MAX_AUDIT_TEXT);
            matched = text.subSequence(m.start(), end).toString();
        }
        audit.record(new AuditEntry(
                call.tenant(),
                call.requestId(),
                call.deployment().name(),
                m.rule().id(),
                m.rule().type().value(),
                m.rule().action().value(),
                side.value(),
                matched,
                clock.instant()));
        meters.counter(
                        MetricNames.COMPLIANCE_RULE_HITS,
                        "type",
                        m.rule().type().value(),
                        "action",
                        m.rule().action().value(),
                        "target",
                        side.value())
                .increment();
    }

    private void refused(String code) {
        meters.counter(MetricNames.COMPLIANCE_REFUSALS, "reason", code).increment();
    }

    private static String promptParam(Call call) {
        return switch (call.operation()) {
            case CHAT -> "messages";
            case COMPLETION -> "prompt";
            case EMBEDDINGS -> "input";
        };
    }
}
