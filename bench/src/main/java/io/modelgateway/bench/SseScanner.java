package io.modelgateway.bench;

import io.netty.buffer.ByteBuf;

/**
 * A minimal, incremental scanner of an OpenAI SSE stream, fed with the bytes as they arrive (chunk
 * boundaries anywhere). It notices the first {@code data:} event whose JSON carries a non-empty
 * {@code "content"} string, the {@code data: [DONE]} terminator, and error events. Not a JSON parser:
 * it only looks for {@code "content"} followed by {@code :} and a string that is not {@code ""}; an
 * escaped quote inside a JSON string ({@code \"content\"}) never matches. Bytes are taken as ISO-8859-1,
 * which is safe for the ASCII markers searched for. Not thread-safe (one per stream).
 */
final class SseScanner {

    private static final int MAX_LINE = 1 << 20;

    private final StringBuilder line = new StringBuilder(256);
    private boolean contentSeen;
    private boolean done;
    private boolean errorSeen;
    private int events;
    private boolean overflow;

    /** Feeds readable bytes without consuming them; true when this call saw the first content event. */
    boolean feed(ByteBuf buf) {
        boolean before = contentSeen;
        for (int i = buf.readerIndex(), end = buf.writerIndex(); i < end; i++) {
            accept((char) (buf.getByte(i) & 0xff));
        }
        return !before && contentSeen;
    }

    /** Same as {@link #feed(ByteBuf)} for text (tests). */
    boolean feed(CharSequence text) {
        boolean before = contentSeen;
        for (int i = 0; i < text.length(); i++) {
            accept(text.charAt(i));
        }
        return !before && contentSeen;
    }

    private void accept(char c) {
        if (c == '\n') {
            endOfLine();
        } else if (line.length() < MAX_LINE) {
            line.append(c);
        } else {
            overflow = true;
        }
    }

    private void endOfLine() {
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
            line.setLength(--len);
        }
        if (len >= 5 && line.charAt(0) == 'd' && line.indexOf("data:") == 0) {
            events++;
            String payload = line.substring(5).trim();
            if (payload.equals("[DONE]")) {
                done = true;
            } else if (payload.startsWith("{\"error\"")) {
                errorSeen = true;
            } else if (!contentSeen && hasNonEmptyContent(payload)) {
                contentSeen = true;
            }
        }
        line.setLength(0);
    }

    /** Whether the JSON text has a {@code "content"} key whose value is a non-empty string. */
    static boolean hasNonEmptyContent(String json) {
        int from = 0;
        while (true) {
            int k = json.indexOf("\"content\"", from);
            if (k < 0) {
                return false;
            }
            int i = skipSpaces(json, k + 9);
            if (i < json.length() && json.charAt(i) == ':') {
                i = skipSpaces(json, i + 1);
                if (i + 1 < json.length() && json.charAt(i) == '"' && json.charAt(i + 1) != '"') {
                    return true;
                }
            }
            from = k + 9;
        }
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    boolean contentSeen() {
        return contentSeen;
    }

    boolean done() {
        return done;
    }

    boolean errorSeen() {
        return errorSeen;
    }

    int events() {
        return events;
    }

    boolean overflow() {
        return overflow;
    }
}
