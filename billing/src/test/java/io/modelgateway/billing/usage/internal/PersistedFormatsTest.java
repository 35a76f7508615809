package io.modelgateway.billing.usage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.billing.usage.UsageColumn;
import io.modelgateway.billing.usage.UsageColumns;
import io.modelgateway.billing.usage.UsageRecord;
import io.modelgateway.billing.usage.UsageSamples;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the writer persists stays readable and byte-compatible across versions: a spool segment and a
 * dead-letter file written by the code of commit 9ffd7a0 (before the usage columns were described once, in
 * {@code UsageColumns}) are in {@code src/test/resources/usage-formats}. The segment must replay to the same
 * records, and today's code must write exactly the same bytes for them (an upgrade mid-file mixes both).
 */
class PersistedFormatsTest {

    static final List<UsageRecord> ALL = UsageSamples.all();

    static byte[] resource(String name) throws IOException {
        try (InputStream in = PersistedFormatsTest.class.getResourceAsStream("/usage-formats/" + name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    static List<List<UsageRecord>> groups() {
        return List.of(ALL.subList(0, 1), ALL.subList(1, 3), ALL);
    }

    @Test
    void aSegmentWrittenByEarlierCodeReplaysToTheSameRecords(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("00000000000000000001.log"), resource("segment-usg2.log"));
        try (Spool spool = new Spool(dir, false)) {
            assertThat(spool.previous()).containsExactly(1L);
            Spool.Replay replay = spool.replay(1);
            assertThat(replay.ignoredBytes()).isZero();
            assertThat(replay.groups().stream().map(Spool.Group::records).toList())
                    .isEqualTo(groups());
        }
    }

    @Test
    void todaysCodeWritesTheSameSegmentBytes(@TempDir Path dir) throws IOException {
        try (Spool spool = new Spool(dir, false)) {
            for (List<UsageRecord> g : groups()) {
                spool.append(g);
            }
        }
        assertThat(Files.readAllBytes(dir.resolve("00000000000000000001.log"))).isEqualTo(resource("segment-usg2.log"));
    }

    @Test
    void todaysCodeAppendsTheSameDeadLetterLines(@TempDir Path dir) throws IOException {
        Path file = dir.resolve(DeadLetterFile.NAME);
        DeadLetterFile letters = new DeadLetterFile(file);
        letters.append(ALL.get(0), new SQLException("value too long for type character varying(64)", "22001"));
        letters.append(ALL.get(1), new SQLException("bad \"quote\"\nand newline", "23505"));
        letters.append(ALL.get(2), new SQLException(null, (String) null));
        assertThat(Files.readString(file)).isEqualTo(new String(resource("dead-letters.jsonl"), "UTF-8"));
        assertThat(Files.readAllBytes(file)).isEqualTo(resource("dead-letters.jsonl"));
    }

    @Test
    void aGroupSpooledBeforeLaterColumnsExistedReadsThemAsZero(@TempDir Path dir) throws IOException {
        // a group of the first 16 columns, as a spool of a version without ended_at would have written it
        int columns = UsageColumns.ALL.size() - 1;
        UsageRecord r = ALL.get(0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(1);
        for (UsageColumn c : UsageColumns.ALL.subList(0, columns)) {
            c.write(out, r);
        }
        byte[] payload = bytes.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer group = ByteBuffer.allocate(12 + payload.length)
                .putInt(Spool.magic(columns))
                .putInt(payload.length)
                .putInt((int) crc.getValue())
                .put(payload);
        Files.write(dir.resolve("00000000000000000001.log"), group.array());
        try (Spool spool = new Spool(dir, false)) {
            Spool.Replay replay = spool.replay(1);
            assertThat(replay.ignoredBytes()).isZero();
            UsageRecord read = replay.groups().get(0).records().get(0);
            assertThat(read.endedAt()).isEqualTo(Instant.EPOCH);
            assertThat(read.requestId()).isEqualTo(r.requestId());
            assertThat(read.firstTokenAt()).isEqualTo(r.firstTokenAt());
        }
    }

    @Test
    void theFormatOfTheOriginalColumnsKeepsItsMagic() {
        assertThat(Spool.magic(17)).isEqualTo(0x55534732); // "USG2"
        assertThat(Spool.columns(0x55534732)).isEqualTo(17);
        assertThat(Spool.columns(Spool.magic(UsageColumns.ALL.size()))).isEqualTo(UsageColumns.ALL.size());
        assertThat(Spool.columns(Spool.magic(UsageColumns.ALL.size() + 1))).isEqualTo(-1); // from a newer version
        assertThat(Spool.columns(0x12345678)).isEqualTo(-1);
    }
}
