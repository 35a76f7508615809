package io.modelgateway.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {

    /**
     * The chat template of meta-llama/Llama-2-7b-chat-hf's tokenizer_config.json (Hugging Face), verbatim
     * apart from Java string escaping.
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

    @Test
    void probe() {
        ChatTemplate t = ChatTemplate.of(LLAMA2, "<s>", "</s>");
        System.out.println("[" + t.render(List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", " Hi "), new ChatMessage("assistant", "Hello"), new ChatMessage("user", "Bye")), false) + "]");
        try {
            System.out.println("[" + t.render(List.of(new ChatMessage("user", "a"), new ChatMessage("user", "b")), false) + "]");
        } catch (Exception e) {
            System.out.println("EXC " + e);
        }
        try {
            ChatTemplate.of("{% for m in messages %}{{ m }}");
            System.out.println("no parse error");
        } catch (Exception e) {
            System.out.println("EXC " + e);
        }
    }
}
