package io.modelgateway.gateway.openai.internal;

import io.modelgateway.gateway.deployment.Deployment;
import java.util.Map;
import java.util.Set;

/**
 * A validated text-generation request of either OpenAI endpoint, ready for the backend.
 *
 * @param chat true for chat/completions, false for the legacy completions endpoint
 * @param deployment the resolved deployment
 * @param prompt the prompt after the chat template
 * @param maxTokens tokens the answer may take
 * @param stream answer as server-sent events
 * @param includeUsage send the final usage chunk ({@code stream_options.include_usage})
 * @param sampling sampling parameters in vLLM's names
 * @param parameters the request's top-level parameter names (for compliance policies)
 */
public record Generation(
        boolean chat,
        Deployment deployment,
        String prompt,
        int maxTokens,
        boolean stream,
        boolean includeUsage,
        Map<String, Object> sampling,
        Set<String> parameters) {}
