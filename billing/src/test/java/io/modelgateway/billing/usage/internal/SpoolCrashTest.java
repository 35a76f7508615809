package io.modelgateway.billing.usage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.billing.usage.UsageRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency of the spool's segment log: a crash cuts the last write anywhere (or leaves garbage after
 * it); replay then returns every group whose append had returned (acknowledged), in order, each once, and
 * nothing of the group being written.
 */
class SpoolCrashTest {

    static UsageRecord record(int group, int i) {
        Instant at = Instant.parse("2026-03-01T10:00:00Z").plusMillis(group * 100L + i);
        return new UsageRecord(
                "g" + group + "-r" + i,
                "t-" + (i % 3),
                "key_" + group,
                "echo",
                "echo",
                "chat",
                12,
                0,
                7,
                false,
                5,
                1,
                "completed",
                200,
                at,
                i % 2 == 0 ? null : at,
                at.plusMillis(5));
    }

    static List<UsageRecord> group(int g, int size) {
        List<UsageRecord> records = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            records.add(record(g, i));
        }
        return records;
    }

    /** Writes groups to one segment; returns the file's length after each append (the acknowledgement points). */
    static long[] write(Path dir, List<List<UsageRecord>> groups) throws IOException {
        long[] ends = new long[groups.size()];
        try (Spool spool = new Spool(dir, false)) {
            for (int g = 0; g < groups.size(); g++) {
                assertThat(spool.append(groups.get(g))).isEqualTo(1);
                ends[g] = Files.size(segment(dir));
            }
        }
        return ends;
    }

    static Path segment(Path dir) {
        return dir.resolve("00000000000000000001.log");
    }

    static List<List<UsageRecord>> replay(Path dir) throws IOException {
        try (Spool spool = new Spool(dir, false)) {
            assertThat(spool.previous()).containsExactly(1L);
            return spool.replay(1).groups().stream().map(Spool.Group::records).toList();
        }
    }

    static int acknowledgedBefore(long[] ends, long cut) {
        int n = 0;
        while (n < ends.length && ends[n] <= cut) {
            n++;
        }
        return n;
    }

    @Test
    void theLastWriteCutAtEveryByteOffsetLosesNoAcknowledgedGroupAndDuplicatesNone(@TempDir Path tmp)
            throws IOException {
        List<List<UsageRecord>> groups = List.of(group(0, 3), group(1, 1), group(2, 4));
        Path original = tmp.resolve("original");
        long[] ends = write(original, groups);
        byte[] whole = Files.readAllBytes(segment(original));
        assertThat(whole.length).isEqualTo(ends[ends.length - 1]);
        for (int cut = 0; cut <= whole.length; cut++) {
            Path dir = tmp.resolve("cut-" + cut);
            Files.createDirectories(dir);
            Files.write(segment(dir), Arrays.copyOf(whole, cut));
            int acknowledged = acknowledgedBefore(ends, cut);
            assertThat(replay(dir)).as("cut at byte %d", cut).isEqualTo(groups.subList(0, acknowledged));
        }
    }

    @Property(tries = 200)
    void garbageAfterTheCutIsNeverTakenForAGroup(
            @ForAll @IntRange(min = 0, max = 2000) int cutSeed,
            @ForAll @IntRange(min = 1, max = 300) int garbageLength,
            @ForAll long seed)
            throws IOException {
        Path tmp = Files.createTempDirectory("spool-garbage");
        List<List<UsageRecord>> groups = List.of(group(0, 2), group(1, 5), group(2, 1), group(3, 3));
        Path original = tmp.resolve("original");
        long[] ends = write(original, groups);
        byte[] whole = Files.readAllBytes(segment(original));
        int cut = cutSeed % (whole.length + 1);
        byte[] torn = Arrays.copyOf(whole, cut + garbageLength);
        byte[] garbage = new byte[garbageLength];
        new Random(seed).nextBytes(garbage);
        System.arraycopy(garbage, 0, torn, cut, garbageLength);
        Path dir = tmp.resolve("torn");
        Files.createDirectories(dir);
        Files.write(segment(dir), torn);
        assertThat(replay(dir)).isEqualTo(groups.subList(0, acknowledgedBefore(ends, cut)));
    }

    @Test
    void aNewProcessWritesANewSegmentAndReplaysTheOldOnesInOrder(@TempDir Path dir) throws IOException {
        write(dir, List.of(group(0, 2)));
        Files.write(segment(dir), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND); // torn tail
        try (Spool spool = new Spool(dir, true)) {
            assertThat(spool.previous()).containsExactly(1L);
            assertThat(spool.append(group(1, 1))).isEqualTo(2);
            assertThat(spool.replay(1).groups()).hasSize(1);
            assertThat(spool.replay(1).ignoredBytes()).isEqualTo(3);
        }
        try (Spool spool = new Spool(dir, true)) {
            assertThat(spool.previous()).containsExactly(1L, 2L);
            assertThat(spool.replay(2).groups().get(0).records()).isEqualTo(group(1, 1));
        }
    }

    @Test
    void aSegmentIsDeletedOnlyOnceNothingMoreIsAppendedAndAllOfItIsStored(@TempDir Path dir) throws IOException {
        try (Spool spool = new Spool(dir, false)) {
            long first = spool.append(group(0, 1));
            spool.append(group(1, 1));
            spool.stored(first, 1);
            spool.deleteStored();
            assertThat(spool.segments()).containsExactly(first); // one group not stored, and still the current one
            spool.stored(first, 1);
            assertThat(spool.anyDeletable()).isFalse(); // everything stored, but it is still being appended to
            long second = spool.append(group(2, 1)); // rolls over: the stored segment is sealed
            assertThat(second).isGreaterThan(first);
            assertThat(spool.anyDeletable()).isTrue();
            spool.deleteStored();
            assertThat(spool.segments()).containsExactly(second);
        }
    }

    @Test
    void groupsOfTheEarlierFilePerGroupFormatAreCarriedOver(@TempDir Path dir) throws IOException {
        byte[] payload;
        Path probe = dir.resolve("probe");
        write(probe, List.of(group(7, 2)));
        byte[] segment = Files.readAllBytes(segment(probe));
        payload = Arrays.copyOfRange(segment, 12, segment.length);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(payload);
        java.nio.ByteBuffer legacy = java.nio.ByteBuffer.allocate(16 + payload.length)
                .putInt(0x55534731)
                .putInt(payload.length)
                .putLong(crc.getValue())
                .put(payload);
        Path spoolDir = dir.resolve("spool");
        Files.createDirectories(spoolDir);
        Files.write(spoolDir.resolve("00000000000000000004.spool"), legacy.array());
        try (Spool spool = new Spool(spoolDir, true)) {
            assertThat(spool.previous()).hasSize(1);
            assertThat(spool.replay(spool.previous().get(0)).groups().get(0).records())
                    .isEqualTo(group(7, 2));
        }
        assertThat(Files.exists(spoolDir.resolve("00000000000000000004.spool"))).isFalse();
    }
}
