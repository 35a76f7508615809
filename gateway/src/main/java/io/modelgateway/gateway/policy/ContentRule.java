package io.modelgateway.gateway.policy;

/** A compiled content rule's identity and behaviour (its matcher lives in {@link ContentRules}). */
public record ContentRule(String id, RuleType type, RuleAction action, RuleTarget target, String replacement) {}
