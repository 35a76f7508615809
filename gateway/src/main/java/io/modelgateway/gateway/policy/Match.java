package io.modelgateway.gateway.policy;

/** One place where a content rule matched: characters {@code [start, end)} of the scanned text. */
public record Match(ContentRule rule, int start, int end) {}
