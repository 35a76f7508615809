package io.modelgateway.inference;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.tree.Node;
import com.hubspot.jinjava.tree.TreeParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Renders chat messages into a prompt with a Hugging Face-style Jinja chat template (the
 * {@code chat_template} of a model's {@code tokenizer_config.json}). The template is parsed once;
 * rendering binds {@code messages}, {@code add_generation_prompt}, {@code bos_token},
 * {@code eos_token} and the {@code raise_exception} function. The well-known templates ({@link #CHATML},
 * {@link #PLAIN}) render without Jinjava, by plain concatenation: the same text (ChatTemplateDirectTest checks it on
 * random messages), at a fraction of the cost, since every chat call renders its prompt.
 */
public final class ChatTemplate {

    /** ChatML, as used by Qwen and many instruction-tuned models. */
    public static final String CHATML = "{% for message in messages %}"
            + "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /** A plain "role: content" transcript, handy for the echo model and for base models. */
    public static final String PLAIN = "{% for message in messages %}"
            + "{{ message['role'] + ': ' + message['content'] + '\\n' }}"
            + "{% endfor %}"
            + "{% if add_generation_prompt %}{{ 'assistant:' }}{% endif %}";

    private static final Jinjava JINJAVA = newJinjava();
    private static final ThreadLocal<JinjavaInterpreter> INTERPRETERS =
            ThreadLocal.withInitial(JINJAVA::newInterpreter);

    /** A template's rendering without Jinjava. */
    private interface Direct {
        String render(List<ChatMessage> messages, boolean addGenerationPrompt);
    }

    private final String source;
    private final String bosToken;
    private final String eosToken;
    private final Node root;
    private final Direct direct; // null: Jinjava renders

    private ChatTemplate(String source, String bosToken, String eosToken) {
        this.source = source;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.direct = direct(source);
        JinjavaInterpreter interpreter = JINJAVA.newInterpreter();
        this.root = new TreeParser(interpreter, source).buildTree();
        List<TemplateError> errors = interpreter.getErrorsCopy();
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid chat template: " + errors.get(0).getMessage());
        }
    }

    public static ChatTemplate of(String source) {
        return of(source, "", "");
    }

    public static ChatTemplate of(String source, String bosToken, String eosToken) {
        return new ChatTemplate(Objects.requireNonNull(source, "source"), bosToken, eosToken);
    }

    /** A template by well-known name ({@code chatml}, {@code plain}) or else Jinja source. */
    public static ChatTemplate named(String nameOrSource) {
        return switch (nameOrSource) {
            case "chatml" -> of(CHATML);
            case "plain" -> of(PLAIN);
            default -> of(nameOrSource);
        };
    }

    public String source() {
        return source;
    }

    /**
     * Renders the messages.
     *
     * @throws IllegalArgumentException when the template refuses the messages (raise_exception) or fails
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return direct != null
                ? direct.render(messages, addGenerationPrompt)
                : renderWithJinjava(messages, addGenerationPrompt);
    }

    /** Renders with Jinjava, whatever the template: what {@link #render} must equal for the well-known ones. */
    String renderWithJinjava(List<ChatMessage> messages, boolean addGenerationPrompt) {
        // Creating an interpreter costs ~60 us; a per-thread one with a fresh scope per render costs ~5.
        JinjavaInterpreter interpreter = INTERPRETERS.get();
        clearErrors(interpreter);
        interpreter.enterScope();
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            interpreter.getContext().put("messages", toMaps(messages));
            interpreter.getContext().put("add_generation_prompt", addGenerationPrompt);
            interpreter.getContext().put("bos_token", bosToken);
            interpreter.getContext().put("eos_token", eosToken);
            String out = interpreter.render(root);
            List<TemplateError> errors = interpreter.getErrorsCopy();
            // Jinjava catches exceptions thrown by functions and records them as template errors
            // ("Error invoking function 'raise_exception'"): recover the template's own message.
            for (TemplateError e : errors) {
                String raised = raisedMessage(e.getException());
                if (raised != null) {
                    throw new IllegalArgumentException(raised);
                }
            }
            for (TemplateError e : errors) {
                if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                    throw new IllegalArgumentException("chat template failed: " + e.getMessage());
                }
            }
            return out;
        } catch (TemplateRaised e) {
            throw new IllegalArgumentException(e.getMessage());
        } finally {
            JinjavaInterpreter.popCurrent();
            interpreter.leaveScope();
            clearErrors(interpreter);
        }
    }

    /** The direct rendering of a well-known template, or null. Neither reads bos_token nor eos_token. */
    private static Direct direct(String source) {
        if (source.equals(PLAIN)) {
            return (messages, addGenerationPrompt) -> {
                StringBuilder out = new StringBuilder(length(messages) + 12);
                for (ChatMessage m : messages) {
                    out.append(m.role()).append(": ").append(m.content()).append('\n');
                }
                return addGenerationPrompt ? out.append("assistant:").toString() : out.toString();
            };
        }
        if (source.equals(CHATML)) {
            return (messages, addGenerationPrompt) -> {
                StringBuilder out = new StringBuilder(length(messages) + 32 * messages.size() + 24);
                for (ChatMessage m : messages) {
                    out.append("<|im_start|>")
                            .append(m.role())
                            .append('\n')
                            .append(m.content())
                            .append("<|im_end|>\n");
                }
                return addGenerationPrompt
                        ? out.append("<|im_start|>assistant\n").toString()
                        : out.toString();
            };
        }
        return null;
    }

    private static int length(List<ChatMessage> messages) {
        int n = 0;
        for (ChatMessage m : messages) {
            n += m.role().length() + m.content().length() + 4;
        }
        return n;
    }

    private static void clearErrors(JinjavaInterpreter interpreter) {
        while (interpreter.getLastError().isPresent()) {
            interpreter.removeLastError();
        }
    }

    /** The message of a {@code raise_exception} call somewhere in the cause chain, or null. */
    private static String raisedMessage(Throwable t) {
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof TemplateRaised) {
                return t.getMessage();
            }
        }
        return null;
    }

    private static List<Map<String, Object>> toMaps(List<ChatMessage> messages) {
        List<Map<String, Object>> out = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> map = new HashMap<>(4);
            map.put("role", m.role());
            map.put("content", m.content());
            out.add(map);
        }
        return out;
    }

    private static Jinjava newJinjava() {
        // Nested interpretation off: Jinjava would otherwise render "{{ ... }}" found inside message
        // text (user input) as template code, which Jinja2/Hugging Face never does.
        Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withFailOnUnknownTokens(false)
                .withNestedInterpretationEnabled(false)
                .build());
        jinjava.getGlobalContext()
                .registerFunction(new ELFunctionDefinition(
                        "", "raise_exception", ChatTemplate.class, "raiseException", String.class));
        return jinjava;
    }

    /** Bound to {@code raise_exception(message)} in templates. */
    public static Object raiseException(String message) {
        throw new TemplateRaised(message);
    }

    private static final class TemplateRaised extends RuntimeException {
        TemplateRaised(String message) {
            super(message, null, false, false);
        }
    }
}
