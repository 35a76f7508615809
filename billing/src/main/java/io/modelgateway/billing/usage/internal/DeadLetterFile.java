package io.modelgateway.billing.usage.internal;

import io.modelgateway.billing.usage.UsageColumn;
import io.modelgateway.billing.usage.UsageColumns;
import io.modelgateway.billing.usage.UsageRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * The last resort for a usage record the database refuses even in {@code usage_dead_letter}: one JSON object per
 * line (each of {@link UsageColumns} by its SQL name, then {@code sql_state} and {@code error}), appended and
 * forced to disk, in the spool directory. An operator moves them into the database by hand.
 */
public final class DeadLetterFile {

    public static final String NAME = "dead-letters.jsonl";

    private final Path file;

    public DeadLetterFile(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Appends the record and why it was refused; forced to disk before it returns. */
    public synchronized void append(UsageRecord r, SQLException why) throws IOException {
        StringBuilder b = new StringBuilder(512).append('{');
        for (UsageColumn c : UsageColumns.ALL) {
            String value = c.text(r);
            if (c.quoted() || value == null) {
                field(b, c.name(), value).append(',');
            } else {
                b.append('"').append(c.name()).append("\":").append(value).append(',');
            }
        }
        field(b, "sql_state", why.getSQLState()).append(',');
        field(b, "error", why.getMessage()).append("}\n");
        try (FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer bytes = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        }
    }

    private static StringBuilder field(StringBuilder b, String name, @Nullable String value) {
        b.append('"').append(name).append("\":");
        if (value == null) {
            return b.append("null");
        }
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }
}
