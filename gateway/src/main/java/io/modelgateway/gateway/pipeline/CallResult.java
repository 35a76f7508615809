package io.modelgateway.gateway.pipeline;

import io.modelgateway.inference.TokenUsage;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * How a call ended.
 *
 * @param outcome how it ended
 * @param usage tokens consumed (what was generated so far for calls cut short); zero for refused calls
 * @param status the HTTP status the client saw (200 for streams that started)
 * @param errorCode OpenAI's error code when the call failed or was refused, else {@code null}
 * @param endedAt when it ended
 */
public record CallResult(
        Outcome outcome,
        TokenUsage usage,
        int status,
        @Nullable String errorCode,
        Instant endedAt) {

    public static final TokenUsage NO_USAGE = new TokenUsage(0, 0, true);
}
