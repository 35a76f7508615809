package io.modelgateway.inference;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.List;
import java.util.Locale;

/**
 * Counts tokens with a tiktoken encoding (jtokkit). Used to estimate usage when a backend does not
 * report it, and to size admission estimates. Special-token text in user input is counted as ordinary
 * text, never interpreted.
 */
public final class TokenCounter {

    /** Tokens OpenAI's chat format adds per message (role and separators), and for the reply priming. */
    private static final int PER_MESSAGE = 3;

    private static final int REPLY_PRIMING = 3;

    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    private final Encoding encoding;

    private TokenCounter(Encoding encoding) {
        this.encoding = encoding;
    }

    /** A counter for one encoding, by its tiktoken name: {@code cl100k_base}, {@code o200k_base}, ... */
    public static TokenCounter of(String encodingName) {
        String wanted = encodingName.toLowerCase(Locale.ROOT);
        for (EncodingType type : EncodingType.values()) {
            if (type.getName().equals(wanted)) {
                return new TokenCounter(REGISTRY.getEncoding(type));
            }
        }
        throw new IllegalArgumentException("unknown token encoding '" + encodingName + "'");
    }

    public static TokenCounter cl100k() {
        return of("cl100k_base");
    }

    public String encodingName() {
        return encoding.getName();
    }

    public int count(String text) {
        return text == null || text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
    }

    /** Prompt tokens of a chat in OpenAI's format (an estimate: the backend's template may differ). */
    public int countChat(List<ChatMessage> messages) {
        int total = REPLY_PRIMING;
        for (ChatMessage m : messages) {
            total += PER_MESSAGE + count(m.content());
        }
        return total;
    }
}
