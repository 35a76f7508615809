package io.modelgateway.gateway.forwarding.internal;

import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.inference.ChatMessage;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated text-generation request of either OpenAI endpoint, ready for the backend.
 *
 * @param chat true for chat/completions, false for the legacy completions endpoint
 * @param deployment the resolved deployment
 * @param prompt the prompt after the chat template
 * @param messages the chat messages as text (empty for completions): what an HTTP upstream is sent
 * @param maxTokens tokens one choice of the answer may take
 * @param maxTokensParam the field the client set the budget in ({@code max_completion_tokens} or {@code max_tokens})
 * @param choices answers generated for the prompt ({@code n}, or {@code best_of} when larger)
 * @param stream answer as server-sent events
 * @param includeUsage send the final usage chunk ({@code stream_options.include_usage})
 * @param sampling sampling parameters in vLLM's names (the same as OpenAI's)
 * @param shaping validated answer-shaping parameters an HTTP upstream honours ({@code n}, {@code logprobs},
 *     {@code top_logprobs}, {@code logit_bias}, {@code best_of}), as plain JSON values
 * @param parameters the request's top-level parameter names (for compliance policies)
 */
public record Generation(
        boolean chat,
        Deployment deployment,
        String prompt,
        List<ChatMessage> messages,
        int maxTokens,
        String maxTokensParam,
        int choices,
        boolean stream,
        boolean includeUsage,
        Map<String, Object> sampling,
        Map<String, Object> shaping,
        Set<String> parameters) {}
