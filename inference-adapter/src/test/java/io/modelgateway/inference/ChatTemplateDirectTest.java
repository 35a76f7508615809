package io.modelgateway.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The well-known templates render without Jinjava; on any messages (roles and contents with template syntax,
 * quotes, backslashes, numbers, newlines, any Unicode, empty) the text is exactly Jinjava's.
 */
class ChatTemplateDirectTest {

    @Property(tries = 300)
    void plainRendersAsJinjavaDoes(
            @ForAll("messages") @Size(max = 6) List<ChatMessage> messages, @ForAll boolean addGenerationPrompt) {
        ChatTemplate t = ChatTemplate.named("plain");
        assertThat(t.render(messages, addGenerationPrompt))
                .isEqualTo(t.renderWithJinjava(messages, addGenerationPrompt));
    }

    @Property(tries = 300)
    void chatmlRendersAsJinjavaDoes(
            @ForAll("messages") @Size(max = 6) List<ChatMessage> messages, @ForAll boolean addGenerationPrompt) {
        ChatTemplate t = ChatTemplate.of(ChatTemplate.CHATML, "<s>", "</s>");
        assertThat(t.render(messages, addGenerationPrompt))
                .isEqualTo(t.renderWithJinjava(messages, addGenerationPrompt));
    }

    @Provide
    Arbitrary<List<ChatMessage>> messages() {
        return Combinators.combine(roles(), texts()).as(ChatMessage::new).list();
    }

    private static Arbitrary<String> roles() {
        return Arbitraries.oneOf(Arbitraries.of("system", "user", "assistant", "tool", "12", ""), texts());
    }

    private static Arbitrary<String> texts() {
        Arbitrary<String> tricky = Arbitraries.of(
                "{{ 1 + 1 }}",
                "{% if true %}x{% endif %}",
                "{# c #}",
                "'",
                "\"",
                "\\",
                "\\n",
                "\n",
                "\r\n",
                "  ",
                "42",
                "3.5",
                "-1",
                "true",
                "None",
                "<|im_end|>",
                "é漢字😀",
                "\t");
        Arbitrary<String> any = Arbitraries.strings().ofMaxLength(40);
        return Arbitraries.oneOf(
                        tricky,
                        any,
                        Arbitraries.strings().withChars("{}%#' \n\\a1").ofMaxLength(20))
                .list()
                .ofMaxSize(4)
                .map(parts -> String.join("", parts));
    }
}
