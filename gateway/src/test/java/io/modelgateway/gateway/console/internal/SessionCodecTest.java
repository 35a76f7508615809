package io.modelgateway.gateway.console.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Shared sessions are stored encrypted, bound to their id, and only under a long enough secret. */
class SessionCodecTest {

    static final String SECRET = "a-console-session-secret-of-32-chars+";
    final Session session = new Session(
            "the-session-id",
            "sk-the-key",
            "key_1",
            Role.TENANT,
            "acme",
            "csrf-token",
            Instant.parse("2026-01-01T00:00:00Z"),
            Instant.parse("2026-01-01T00:10:00Z"),
            Instant.parse("2026-01-01T12:00:00Z"));

    @Test
    void aSealedSessionOpensToTheSameSessionAndHoldsNeitherKeyNorIdInClear() {
        SessionCodec codec = new SessionCodec(SECRET);
        String blob = codec.seal(session);
        assertThat(new String(Base64.getDecoder().decode(blob), java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("sk-the-key")
                .doesNotContain("the-session-id");
        assertThat(codec.open("the-session-id", blob)).isEqualTo(session);
        assertThat(SessionCodec.storedId("the-session-id")).hasSize(64).doesNotContain("the-session-id");
    }

    @Test
    void anotherSecretAnotherIdOrATamperedBlobOpenNothing() {
        String blob = new SessionCodec(SECRET).seal(session);
        assertThat(new SessionCodec(SECRET + "x").open("the-session-id", blob)).isNull();
        assertThat(new SessionCodec(SECRET).open("another-id", blob)).isNull();
        byte[] b = Base64.getDecoder().decode(blob);
        b[b.length - 1] ^= 1;
        assertThat(new SessionCodec(SECRET)
                        .open("the-session-id", Base64.getEncoder().encodeToString(b)))
                .isNull();
    }

    @Test
    void aShortOrMissingSecretStopsTheStart() {
        assertThatThrownBy(() -> new SessionCodec("too-short"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gateway.console.session-secret");
        assertThatThrownBy(() -> new SessionCodec("")).isInstanceOf(IllegalStateException.class);
    }
}
