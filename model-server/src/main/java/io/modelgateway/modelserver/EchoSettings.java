package io.modelgateway.modelserver;

import java.time.Duration;
import java.util.Objects;

/**
 * Speed of the {@code echo} model, so it can stand in for a GPU: the delay before the first token and the
 * token rate afterwards ({@code 0} = no delay between tokens).
 */
public record EchoSettings(Duration timeToFirstToken, double tokensPerSecond) {

    public EchoSettings {
        Objects.requireNonNull(timeToFirstToken, "timeToFirstToken");
        if (timeToFirstToken.isNegative()) {
            throw new IllegalArgumentException("timeToFirstToken must not be negative");
        }
        if (!(tokensPerSecond >= 0) || Double.isInfinite(tokensPerSecond)) {
            throw new IllegalArgumentException("tokensPerSecond must be a finite number >= 0");
        }
    }

    /** No delays at all: every response is produced at once. */
    public static EchoSettings fast() {
        return new EchoSettings(Duration.ZERO, 0);
    }

    /** The pause between two tokens, zero when the rate is unlimited. */
    public Duration interTokenDelay() {
        return tokensPerSecond == 0 ? Duration.ZERO : Duration.ofNanos(Math.round(1e9 / tokensPerSecond));
    }
}
