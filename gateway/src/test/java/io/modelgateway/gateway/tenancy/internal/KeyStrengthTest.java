package io.modelgateway.gateway.tenancy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelgateway.gateway.tenancy.Keys;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class KeyStrengthTest {

    @Test
    void shortKeysAreWeak() {
        assertThat(KeyStrength.weakness("sk-admin-readme"))
                .hasValueSatisfying(w -> assertThat(w).contains("32"));
        assertThat(KeyStrength.weakness("sk-demo-readme")).isPresent();
        assertThat(KeyStrength.weakness("a".repeat(31))).isPresent();
    }

    @Test
    void longButObviouslyLowEntropyKeysAreWeak() {
        assertThat(KeyStrength.weakness("a".repeat(64)))
                .hasValueSatisfying(w -> assertThat(w).contains("bits"));
        assertThat(KeyStrength.weakness("ab".repeat(32))).isPresent();
        assertThat(KeyStrength.weakness("sk-admin-readme-admin-readme-admin-readme"))
                .isPresent();
        assertThat(KeyStrength.weakness("sk-test-admin-key-0123456789abcdef")).isPresent();
        assertThat(KeyStrength.weakness("passwordpasswordpasswordpassword1")).isPresent();
        assertThat(KeyStrength.weakness("1111111111111111222222222222222233333333"))
                .isPresent();
    }

    @Test
    void randomKeysAreStrong() {
        assertThat(KeyStrength.weakness("HadmZppbzcBlgZE8o9W8gZMCdnH1CbIEssare1MF9XY="))
                .isEmpty(); // openssl -base64 32
        assertThat(KeyStrength.weakness("sk-f490ff1b481d655591d0b702c9ed4d521c5dfd56"))
                .isEmpty();
        assertThat(KeyStrength.weakness(Keys.generate("sk-demo-"))).isEmpty();
    }

    /** What the gateway generates, and what the error message tells operators to run, always passes. */
    @Property(tries = 200)
    void generatedKeysAreAlwaysStrong(@ForAll @IntRange(min = 0, max = 3) int prefix) {
        String[] prefixes = {"", "sk-", "sk-demo-", Keys.PREFIX};
        assertThat(KeyStrength.weakness(Keys.generate(prefixes[prefix]))).isEmpty();
    }

    @Test
    void theMessageNamesTheSettingAndHowToMakeAKeyButNeverTheKey() {
        assertThatThrownBy(() ->
                        KeyStrength.requireStrong("gateway.admin-api-key (GATEWAY_ADMIN_API_KEY)", "sk-admin-readme"))
                .hasMessageContaining("GATEWAY_ADMIN_API_KEY")
                .hasMessageContaining("openssl rand -base64 32")
                .message()
                .doesNotContain("sk-admin-readme");
        KeyStrength.requireStrong("unset", "");
        KeyStrength.requireStrong("unset", null);
    }

    @Test
    void onlyH2IsTheEmbeddedDefault() {
        assertThat(TenancyConfiguration.embeddedDefault("jdbc:h2:file:./data/gateway;MODE=PostgreSQL"))
                .isTrue();
        assertThat(TenancyConfiguration.embeddedDefault("jdbc:postgresql://db:5432/gw"))
                .isFalse();
        assertThat(TenancyConfiguration.embeddedDefault("")).isFalse();
    }
}
