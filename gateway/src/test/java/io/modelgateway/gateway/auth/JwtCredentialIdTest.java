package io.modelgateway.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A JWT subject becomes a credential id of bounded length, the same one every time (it keys usage records). */
class JwtCredentialIdTest {

    @Test
    void aShortSubjectIsKeptAsItIs() {
        assertThat(JwtClaims.credentialId("svc-reporting")).isEqualTo("jwt:svc-reporting");
    }

    @Test
    void aLongSubjectIsBoundedConsistentlyAndStaysDistinct() {
        String a = "s".repeat(300);
        String b = "s".repeat(299) + "t"; // same prefix, different subject
        String id = JwtClaims.credentialId(a);
        assertThat(id).hasSize(JwtClaims.MAX_ID_LENGTH).startsWith("jwt:sss").contains("~");
        assertThat(JwtClaims.credentialId(a)).isEqualTo(id);
        assertThat(JwtClaims.credentialId(b)).hasSize(JwtClaims.MAX_ID_LENGTH).isNotEqualTo(id);
        assertThat(JwtClaims.credentialId("x".repeat(JwtClaims.MAX_ID_LENGTH - 4)))
                .isEqualTo("jwt:" + "x".repeat(JwtClaims.MAX_ID_LENGTH - 4));
    }
}
