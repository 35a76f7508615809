package io.modelgateway.gateway.forwarding.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a server-sent-events byte stream into whole events, however the bytes were cut into chunks: a line
 * is only read once its {@code \n} arrived (so a UTF-8 character cut in two is never decoded half), and an
 * event ends at an empty line. Not thread-safe; one per stream, fed in order.
 */
public final class SseEvents {

    /** One event: its {@code data:} payload (lines joined by {@code \n}), and every line as received. */
    public record Event(String data, List<String> lines) {

        /** The event as it goes on the wire. */
        public byte[] bytes() {
            return (String.join("\n", lines) + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** One {@code data:} event of a JSON payload (which has no line breaks). */
    public static byte[] data(byte[] json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 8);
        out.writeBytes("data: ".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(json);
        out.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private final ByteArrayOutputStream partial = new ByteArrayOutputStream(256);
    private final List<String> lines = new ArrayList<>(4);

    /** Feeds the next bytes; returns the events they completed. */
    public List<Event> feed(byte[] bytes) {
        List<Event> out = null;
        for (byte b : bytes) {
            if (b != '\n') {
                partial.write(b);
                continue;
            }
            String line = partial.toString(StandardCharsets.UTF_8);
            partial.reset();
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            if (!line.isEmpty()) {
                lines.add(line);
            } else if (!lines.isEmpty()) {
                out = out == null ? new ArrayList<>(2) : out;
                out.add(event());
            }
        }
        return out == null ? List.of() : out;
    }

    private Event event() {
        StringBuilder data = null;
        for (String line : lines) {
            if (line.startsWith("data:")) {
                String value = line.substring(line.length() > 5 && line.charAt(5) == ' ' ? 6 : 5);
                data = data == null
                        ? new StringBuilder(value)
                        : data.append('\n').append(value);
            }
        }
        Event e = new Event(data == null ? null : data.toString(), List.copyOf(lines));
        lines.clear();
        return e;
    }
}
