package io.modelgateway.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CredentialsTest {

    @Test
    void onlyThreeDotSeparatedPartsLookLikeAJwt() {
        assertThat(Credentials.looksLikeJwt("eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl")).isTrue();
        assertThat(Credentials.looksLikeJwt("a.b")).isFalse();
        assertThat(Credentials.looksLikeJwt("a.b.c.d")).isFalse();
        assertThat(Credentials.looksLikeJwt("a..c")).isFalse();
        assertThat(Credentials.looksLikeJwt(".b.c")).isFalse();
        assertThat(Credentials.looksLikeJwt("a.b.")).isFalse();
        assertThat(Credentials.looksLikeJwt("sk-mg-a.b.c")).isFalse();
        assertThat(Credentials.looksLikeJwt(null)).isFalse();
    }
}
