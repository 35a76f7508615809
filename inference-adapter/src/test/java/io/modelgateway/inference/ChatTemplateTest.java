package io.modelgateway.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {

    /**
     * The chat template of meta-llama/Llama-2-7b-chat-hf ({@code tokenizer_config.json}), verbatim apart
     * from Java string escaping: slicing, loop.index0, set, raise_exception, bos/eos tokens, .strip().
     */
    static final String LLAMA2 = "{% if messages[0]['role'] == 'system' %}"
            + "{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}"
            + "{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}"
            + "{% for message in loop_messages %}"
            + "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
            + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
            + "{% endif %}"
            + "{% if loop.index0 == 0 and system_message != false %}"
            + "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
            + "{% else %}{% set content = message['content'] %}{% endif %}"
            + "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
            + "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}"
            + "{% endfor %}";

    static final String ALTERNATE = "Conversation roles must alternate user/assistant/user/assistant/...";

    /**
     * Jinjava 2.8 needs Guava's JRE flavour (its {@code com.google.common.base.Supplier} must extend
     * {@code java.util.function.Supplier}); grpc brings {@code guava-*-android}, with which every render
     * fails with IncompatibleClassChangeError. The parent pom manages Guava to a -jre version: keep it so.
     */
    @Test
    void guavaOnTheClasspathIsTheJreFlavour() throws Exception {
        assertThat(java.util.function.Supplier.class)
                .isAssignableFrom(Class.forName("com.google.common.base.Supplier"));
    }

    private static String render(ChatTemplate t, boolean addGenerationPrompt, ChatMessage... messages) {
        return t.render(List.of(messages), addGenerationPrompt);
    }

    private static ChatMessage m(String role, String content) {
        return new ChatMessage(role, content);
    }

    @Test
    void chatmlRendersExactly() {
        ChatTemplate t = ChatTemplate.named("chatml");
        assertThat(t.source()).isEqualTo(ChatTemplate.CHATML);
        assertThat(render(t, true, m("system", "You are helpful."), m("user", "Hi")))
                .isEqualTo("<|im_start|>system\nYou are helpful.<|im_end|>\n"
                        + "<|im_start|>user\nHi<|im_end|>\n"
                        + "<|im_start|>assistant\n");
        assertThat(render(t, false, m("user", "Hi"), m("assistant", "Hello!")))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n");
    }

    @Test
    void plainRendersExactly() {
        ChatTemplate t = ChatTemplate.named("plain");
        assertThat(t.source()).isEqualTo(ChatTemplate.PLAIN);
        assertThat(render(t, true, m("system", "Be brief."), m("user", "Hi there")))
                .isEqualTo("system: Be brief.\nuser: Hi there\nassistant:");
        assertThat(render(t, false, m("user", "Hi there"))).isEqualTo("user: Hi there\n");
    }

    @Test
    void emptyConversationRendersOnlyTheGenerationPrompt() {
        assertThat(ChatTemplate.named("chatml").render(List.of(), true)).isEqualTo("<|im_start|>assistant\n");
        assertThat(ChatTemplate.named("chatml").render(List.of(), false)).isEmpty();
    }

    @Test
    void namedTreatsAnythingElseAsSource() {
        ChatTemplate t = ChatTemplate.named("{{ messages[0]['content'] | upper }}");
        assertThat(t.source()).isEqualTo("{{ messages[0]['content'] | upper }}");
        assertThat(render(t, false, m("user", "abc"))).isEqualTo("ABC");
    }

    @Test
    void messageTextIsDataNotTemplateAndIsNotEscaped() {
        ChatTemplate t = ChatTemplate.named("plain");
        assertThat(render(t, false, m("user", "{{ 7 * 7 }} {% if true %}x{% endif %} <b>&amp;\"'")))
                .isEqualTo("user: {{ 7 * 7 }} {% if true %}x{% endif %} <b>&amp;\"'\n");
        assertThat(render(t, false, m("user", "{{ raise_exception('injected') }}")))
                .isEqualTo("user: {{ raise_exception('injected') }}\n");
    }

    @Test
    void llama2TemplateRendersValidConversation() {
        ChatTemplate t = ChatTemplate.of(LLAMA2, "<s>", "</s>");
        assertThat(render(
                        t,
                        false,
                        m("system", "Be brief."),
                        m("user", " Hi "),
                        m("assistant", "Hello"),
                        m("user", "Bye")))
                .isEqualTo("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\n Hi [/INST] Hello </s><s>[INST] Bye [/INST]");
        assertThat(render(t, true, m("user", "Hello"), m("assistant", "Hi there"), m("user", "How are you?")))
                .isEqualTo("<s>[INST] Hello [/INST] Hi there </s><s>[INST] How are you? [/INST]");
    }

    @Test
    void llama2TemplateRaisesWhenRolesDoNotAlternate() {
        ChatTemplate t = ChatTemplate.of(LLAMA2, "<s>", "</s>");
        assertThatThrownBy(() -> render(t, false, m("user", "a"), m("user", "b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(ALTERNATE);
        assertThatThrownBy(() -> render(t, false, m("system", "s"), m("assistant", "a")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(ALTERNATE);
        // still usable afterwards
        assertThat(render(t, false, m("user", "ok"))).isEqualTo("<s>[INST] ok [/INST]");
    }

    @Test
    void raiseExceptionMessageIsTheTemplatesOwn() {
        ChatTemplate t = ChatTemplate.of("before{% if messages | length > 1 %}"
                + "{{ raise_exception('only one message, got ' ~ (messages | length)) }}{% endif %}after");
        assertThat(render(t, false, m("user", "x"))).isEqualTo("beforeafter");
        assertThatThrownBy(() -> render(t, false, m("user", "x"), m("user", "y")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("only one message, got 2");
    }

    @Test
    void bosAndEosTokensAreSubstituted() {
        String src = "{{ bos_token }}{% for message in messages %}{{ message['content'] }}{{ eos_token }}{% endfor %}";
        assertThat(render(ChatTemplate.of(src, "<s>", "</s>"), false, m("user", "a"), m("assistant", "b")))
                .isEqualTo("<s>a</s>b</s>");
        assertThat(render(ChatTemplate.of(src, "<|begin_of_text|>", "<|eot_id|>"), false, m("user", "a")))
                .isEqualTo("<|begin_of_text|>a<|eot_id|>");
        // of(source) binds empty tokens
        assertThat(render(ChatTemplate.of(src), false, m("user", "a"))).isEqualTo("a");
    }

    @Test
    void addGenerationPromptIsBound() {
        ChatTemplate t = ChatTemplate.of("{% if add_generation_prompt %}yes{% else %}no{% endif %}");
        assertThat(render(t, true)).isEqualTo("yes");
        assertThat(render(t, false)).isEqualTo("no");
    }

    @Test
    void unclosedForFailsAtOf() {
        assertThatThrownBy(() -> ChatTemplate.of("{% for message in messages %}{{ message['content'] }}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid chat template")
                .hasMessageContaining("endfor");
    }

    @Test
    void unclosedIfAndStrayEndTagFailAtOf() {
        assertThatThrownBy(() -> ChatTemplate.of("{% if add_generation_prompt %}x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid chat template");
        assertThatThrownBy(() -> ChatTemplate.named("x{% endfor %}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid chat template");
    }

    @Test
    void nullSourceIsRejected() {
        assertThatThrownBy(() -> ChatTemplate.of(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void oneTemplateRendersConcurrently() throws Exception {
        ChatTemplate t = ChatTemplate.of(LLAMA2, "<s>", "</s>");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int n = i;
                results.add(pool.submit(() -> t.render(List.of(m("user", "q" + n), m("assistant", "a" + n)), false)));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get(10, TimeUnit.SECONDS))
                        .isEqualTo("<s>[INST] q" + i + " [/INST] a" + i + " </s>");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rendersOnOneThreadDoNotLeakErrorsOrVariablesIntoEachOther() {
        ChatTemplate llama = ChatTemplate.of(LLAMA2, "<s>", "</s>");
        List<ChatMessage> bad = List.of(new ChatMessage("user", "a"), new ChatMessage("user", "b"));
        List<ChatMessage> good = List.of(new ChatMessage("user", "a"));
        assertThatThrownBy(() -> llama.render(bad, true)).isInstanceOf(IllegalArgumentException.class);
        assertThat(llama.render(good, true)).contains("a");

        ChatTemplate setter = ChatTemplate.of("{% if leaked is defined %}LEAK{% endif %}{% set leaked = 1 %}ok");
        assertThat(setter.render(good, true)).isEqualTo("ok");
        assertThat(setter.render(good, true)).isEqualTo("ok");
    }
}
