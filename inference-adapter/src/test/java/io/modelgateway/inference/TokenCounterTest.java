package io.modelgateway.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Known counts from OpenAI's tiktoken (cookbook "How to count tokens with tiktoken"). */
class TokenCounterTest {

    private static final TokenCounter CL100K = TokenCounter.cl100k();
    private static final TokenCounter O200K = TokenCounter.of("o200k_base");

    @Test
    void cl100kKnownCounts() {
        assertThat(CL100K.encodingName()).isEqualTo("cl100k_base");
        assertThat(CL100K.count("hello world")).isEqualTo(2);
        assertThat(CL100K.count("tiktoken is great!")).isEqualTo(6);
        assertThat(CL100K.count("antidisestablishmentarianism")).isEqualTo(6);
        assertThat(CL100K.count("2 + 2 = 4")).isEqualTo(7);
        assertThat(CL100K.count("お誕生日おめでとう")).isEqualTo(9);
    }

    @Test
    void o200kKnownCounts() {
        assertThat(O200K.encodingName()).isEqualTo("o200k_base");
        assertThat(O200K.count("hello world")).isEqualTo(2);
        assertThat(O200K.count("antidisestablishmentarianism")).isEqualTo(6);
        assertThat(O200K.count("2 + 2 = 4")).isEqualTo(7);
        // o200k's larger vocabulary is denser for Japanese than cl100k's
        assertThat(O200K.count("お誕生日おめでとう")).isEqualTo(8);
    }

    @Test
    void encodingNameIsCaseInsensitive() {
        assertThat(TokenCounter.of("CL100K_BASE").encodingName()).isEqualTo("cl100k_base");
        assertThat(TokenCounter.of("O200k_Base").count("hello world")).isEqualTo(2);
    }

    @Test
    void specialTokenTextIsOrdinaryText() {
        assertThatCode(() -> CL100K.count("<|endoftext|>")).doesNotThrowAnyException();
        // as ordinary text "<|endoftext|>" is 7 tokens ('<', '|', 'end', 'of', 'text', '|', '>'), not the 1 special
        // token
        assertThat(CL100K.count("<|endoftext|>")).isEqualTo(7);
        assertThat(CL100K.count("hi <|endoftext|> there")).isEqualTo(8);
        assertThat(CL100K.count("<|fim_prefix|><|im_start|>")).isGreaterThan(2);
        assertThat(O200K.count("<|endoftext|>")).isEqualTo(7);
    }

    @Test
    void emptyAndNullCountZero() {
        assertThat(CL100K.count("")).isZero();
        assertThat(CL100K.count(null)).isZero();
    }

    @Test
    void unknownEncodingIsRejected() {
        assertThatThrownBy(() -> TokenCounter.of("gpt-4o"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gpt-4o");
        assertThatThrownBy(() -> TokenCounter.of("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenCounter.of("cl100k")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void countChatAddsThreePerMessageAndThreeForTheReply() {
        assertThat(CL100K.countChat(List.of())).isEqualTo(3);
        assertThat(CL100K.countChat(List.of(new ChatMessage("user", "hello world"))))
                .isEqualTo(3 + 3 + 2);
        assertThat(CL100K.countChat(List.of(
                        new ChatMessage("system", "hello world"),
                        new ChatMessage("user", "tiktoken is great!"),
                        new ChatMessage("assistant", null))))
                .isEqualTo(3 + (3 + 2) + (3 + 6) + (3 + 0));
        assertThat(O200K.countChat(List.of(new ChatMessage("user", "お誕生日おめでとう"))))
                .isEqualTo(3 + 3 + 8);
    }
}
