package io.modelgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelgateway.inference.ChatMessage;
import io.modelgateway.inference.TokenUsage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The floor bridge reads what the gateway reads and answers what the bench checks for. */
class FloorBridgeTest {

    @Test
    void parsesModelMessagesMaxTokensAndStreamSkippingEverythingElse() {
        String body = "{\"model\":\"echo\",\"temperature\":0.5,\"metadata\":{\"a\":[1,{\"b\":2}]},"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"be brief\",\"name\":\"x\"},"
                + "{\"role\":\"user\",\"content\":\"héllo \\\"you\\\"\"}],\"max_tokens\":7,\"stream\":true}";
        var p = FloorBridge.parse(body.getBytes(StandardCharsets.UTF_8));
        assertThat(p.model()).isEqualTo("echo");
        assertThat(p.maxTokens()).isEqualTo(7);
        assertThat(p.stream()).isTrue();
        assertThat(p.messages())
                .containsExactly(new ChatMessage("system", "be brief"), new ChatMessage("user", "héllo \"you\""));
    }

    @Test
    void refusesABodyWithoutModelOrMessages() {
        assertThatThrownBy(() -> FloorBridge.parse("{\"messages\":[]}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FloorBridge.parse("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void answersAsAChatCompletionAndAsSseChunks() {
        String whole = new String(
                FloorBridge.completion("id-1", "echo", "a \"b\"", "length", new TokenUsage(3, 2, false)),
                StandardCharsets.UTF_8);
        assertThat(whole)
                .contains(
                        "\"object\":\"chat.completion\"",
                        "\"content\":\"a \\\"b\\\"\"",
                        "\"finish_reason\":\"length\"",
                        "\"total_tokens\":5");
        assertThat(LatencyBench.contentOf(whole)).isEqualTo("a \"b\"");
        String chunk = new String(FloorBridge.chunk("id-1", "echo", "word ", null), StandardCharsets.UTF_8);
        assertThat(chunk).startsWith("data: {").endsWith("}\n\n").contains("\"delta\":{\"content\":\"word \"}");
    }
}
