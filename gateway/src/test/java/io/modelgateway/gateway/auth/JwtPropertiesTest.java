package io.modelgateway.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JwtPropertiesTest {

    private static JwtProperties.Issuer issuer(List<String> tenants, boolean platform) {
        return new JwtProperties.Issuer("https://idp/", "https://idp/jwks", List.of("gw"), tenants, platform);
    }

    @Test
    void anIssuerIsBoundToItsTenantsAndPrefixes() {
        JwtProperties.Issuer i = issuer(List.of("acme", "globex-*"), false);
        assertThat(i.mayName("acme")).isTrue();
        assertThat(i.mayName("globex-eu")).isTrue();
        assertThat(i.mayName("acme2")).isFalse();
        assertThat(i.mayName("globex")).isFalse();
        assertThat(i.mayName(null)).as("platform token").isFalse();
        assertThat(issuer(List.of(), true).mayName(null)).isTrue();
        assertThat(issuer(List.of(), true).mayName("acme")).isFalse();
    }

    @Test
    void anIssuerThatMayNameNothingOrEverythingStopsTheStart() {
        assertThatThrownBy(() -> issuer(List.of(), false)).hasMessageContaining("may name no tenant");
        assertThatThrownBy(() -> issuer(List.of("*"), false)).hasMessageContaining("non-empty prefix");
        assertThatThrownBy(() -> issuer(List.of("a*b"), false)).hasMessageContaining("non-empty prefix");
    }

    @Test
    void aMappingToAnUnknownScopeStopsTheStart() {
        assertThatThrownBy(() -> new JwtProperties.ScopeMapping("roles", "Gateway.Admin", "root"))
                .hasMessageContaining("not a gateway scope");
    }

    @Test
    void theSameIssuerTwiceStopsTheStart() {
        assertThatThrownBy(() -> new JwtProperties(
                        List.of(issuer(List.of("a"), false), issuer(List.of("b"), false)),
                        "tid",
                        List.of(),
                        Duration.ofSeconds(60),
                        Duration.ofMinutes(5),
                        Duration.ofSeconds(30)))
                .hasMessageContaining("listed twice");
    }
}
