package io.modelgateway.inference;

import java.util.Objects;

/** One chat message, already reduced to text (OpenAI content parts joined). */
public record ChatMessage(String role, String content) {

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        content = content == null ? "" : content;
    }
}
