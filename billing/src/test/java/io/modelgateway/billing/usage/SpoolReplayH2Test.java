package io.modelgateway.billing.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.billing.TestDatabase;
import io.modelgateway.billing.usage.internal.Spool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * A crash at any moment, replayed into the store: groups of random sizes are spooled, the first few of the
 * acknowledged ones were already stored when the process died, and the last write is cut at a random byte.
 * After the next start every acknowledged record is stored exactly once (rollups included), nothing of the
 * torn group is, and the spool is empty again.
 */
class SpoolReplayH2Test {

    static final TestDatabase db = TestDatabase.h2(); // opened with the class (jqwik has no @BeforeAll)

    @AfterContainer
    static void close() {
        db.close();
    }

    static long count(String sql, String prefix) throws Exception {
        try (Connection c = db.dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Property(tries = 25)
    void everyAcknowledgedRecordIsStoredOnceAfterAReplay(
            @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 1, max = 40) Integer> sizes,
            @ForAll @IntRange(min = 0, max = 100) int storedPercent,
            @ForAll @IntRange(min = 0, max = 1000) int cutPermille)
            throws Exception {
        String prefix = "rp" + UUID.randomUUID().toString().substring(0, 8);
        Path dir = Files.createTempDirectory("spool-replay");
        List<List<UsageRecord>> groups = new ArrayList<>();
        long[] ends = new long[sizes.size()];
        try (Spool spool = new Spool(dir, false)) {
            for (int g = 0; g < sizes.size(); g++) {
                List<UsageRecord> group = new ArrayList<>();
                for (int i = 0; i < sizes.get(g); i++) {
                    Instant at = Instant.parse("2026-03-01T10:00:00Z").plusSeconds(g * 60L + i);
                    group.add(new UsageRecord(
                            prefix + "-" + g + "-" + i,
                            prefix + "-t" + (i % 2),
                            "key",
                            "echo",
                            "echo",
                            "chat",
                            10,
                            0,
                            5,
                            false,
                            7,
                            1,
                            "completed",
                            200,
                            at,
                            at,
                            at.plusMillis(3)));
                }
                spool.append(group);
                groups.add(group);
                ends[g] = Files.size(dir.resolve("00000000000000000001.log"));
            }
        }
        Path segment = dir.resolve("00000000000000000001.log");
        byte[] whole = Files.readAllBytes(segment);
        int cut = (int) ((long) whole.length * cutPermille / 1000);
        Files.write(segment, Arrays.copyOf(whole, cut));
        int acknowledged = 0;
        while (acknowledged < ends.length && ends[acknowledged] <= cut) {
            acknowledged++;
        }
        int storedBefore = acknowledged * storedPercent / 100;
        UsageStore store = new UsageStore(db.dataSource);
        for (int g = 0; g < storedBefore; g++) {
            store.insert(groups.get(g));
        }

        UsageWriter writer = new UsageWriter(
                        store,
                        dir,
                        new UsageWriter.Settings(
                                1000, 50, Duration.ofMillis(5), Duration.ofMillis(50), Duration.ZERO, false))
                .start();
        assertThat(writer.awaitStored(Duration.ofSeconds(20))).isTrue();
        writer.close();

        long expected =
                groups.subList(0, acknowledged).stream().mapToLong(List::size).sum();
        assertThat(count("SELECT COUNT(*) FROM usage_record WHERE request_id LIKE ?", prefix))
                .isEqualTo(expected);
        assertThat(count("SELECT COUNT(DISTINCT request_id) FROM usage_record WHERE request_id LIKE ?", prefix))
                .isEqualTo(expected);
        assertThat(count("SELECT COALESCE(SUM(requests), 0) FROM usage_daily WHERE tenant_id LIKE ?", prefix))
                .isEqualTo(expected);
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> f.toString().endsWith(".log"))).isEmpty();
        }
        Files.deleteIfExists(dir.resolve("lock"));
        Files.deleteIfExists(dir);
    }
}
