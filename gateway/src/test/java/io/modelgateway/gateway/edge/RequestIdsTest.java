package io.modelgateway.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void idsAreVersion7WithTheClocksMillisecondsAndUnique() {
        Instant now = Instant.parse("2026-11-29T05:00:00.123Z");
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            UUID id = RequestIds.next(clock);
            assertThat(id.version()).isEqualTo(7);
            assertThat(id.variant()).isEqualTo(2);
            assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(now.toEpochMilli());
            seen.add(id);
        }
        assertThat(seen).hasSize(10_000);
    }

    @Test
    void idsSortByTime() {
        UUID earlier = RequestIds.next(Clock.fixed(Instant.ofEpochMilli(1_000), ZoneOffset.UTC));
        UUID later = RequestIds.next(Clock.fixed(Instant.ofEpochMilli(2_000), ZoneOffset.UTC));
        assertThat(earlier.toString()).isLessThan(later.toString());
    }
}
