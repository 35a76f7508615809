package io.modelgateway.gateway.edge;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * UUIDv7 request ids: time-ordered (good for the usage ledger's index) and unique across replicas.
 * Ids are not secrets, so the 74 random bits come from the fast per-thread generator.
 */
public final class RequestIds {

    private RequestIds() {}

    public static UUID next(Clock clock) {
        long millis = clock.millis();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long randA = random.nextInt(1 << 12);
        long msb = (millis << 16) | (0x7L << 12) | randA;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
