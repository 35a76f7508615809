package io.modelgateway.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AuthHeadersTest {

    @Test
    void onlyThreeDotSeparatedPartsLookLikeAJwt() {
        assertThat(AuthHeaders.looksLikeJwt("eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl")).isTrue();
        assertThat(AuthHeaders.looksLikeJwt("a.b")).isFalse();
        assertThat(AuthHeaders.looksLikeJwt("a.b.c.d")).isFalse();
        assertThat(AuthHeaders.looksLikeJwt("a..c")).isFalse();
        assertThat(AuthHeaders.looksLikeJwt(".b.c")).isFalse();
        assertThat(AuthHeaders.looksLikeJwt("a.b.")).isFalse();
        assertThat(AuthHeaders.looksLikeJwt("sk-mg-a.b.c")).isFalse();
        assertThat(AuthHeaders.looksLikeJwt(null)).isFalse();
    }
}
