package io.modelgateway.gateway.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;

/** UUIDv7 request ids: time-ordered (good for the usage ledger's index) and unique across replicas. */
public final class RequestIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestIds() {}

    public static UUID next(Clock clock) {
        long millis = clock.millis();
        long randA = RANDOM.nextInt(1 << 12);
        long msb = (millis << 16) | (0x7L << 12) | randA;
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
