package io.modelgateway.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.RequestPath;

class PathFirewallTest {

    @Test
    void ambiguousPathsAreRefused() {
        for (String path : new String[] {
            "",
            "admin/v1",
            "//admin/v1/tenants",
            "/admin//v1/tenants",
            "/admin/v1/tenants//",
            "/admin/./v1/tenants",
            "/admin/v1/x/../tenants",
            "/admin/v1/..",
            "/admin/v1/.",
            "/admin/%2e/v1",
            "/admin/%2E%2E/v1",
            "/admin%2Fv1/tenants",
            "/admin%2fv1",
            "/admin%5Cv1",
            "/admin\\v1",
            "/admin/v1;x=y/tenants",
            "/admin/v1/tenants;jsessionid=1",
            "/admin%3Bv1",
            "/%2561dmin/v1",
            "/admin/v1/%",
            "/admin/v1/%6",
            "/admin/v1/%zz",
            "/admin/v1/%00",
            "/admin/v1/%7f",
            "/admin/v1/t\u00e9",
            "/admin/v1/a b",
            "/v1/models/a%E2%80%A8b",
            "/v1/models/a%e2%80%a9b"
        }) {
            assertThat(PathFirewall.problem(path)).as(path).isNotNull();
        }
        assertThat(PathFirewall.problem("/admin/v1/tenants/")).isNull(); // a trailing slash matches no route
    }

    @Test
    void plainAndEscapedOrdinaryPathsPass() {
        for (String path : new String[] {
            "/",
            "/admin/v1/tenants",
            "/%61dmin/v1/tenants",
            "/v1/models/meta/llama-3.1",
            "/v1/%6Frganization/costs",
            "/v1/models/caf%C3%A9",
            "/admin/v1/tenants/a...b"
        }) {
            assertThat(PathFirewall.problem(path)).as(path).isNull();
        }
    }

    /** Any ordinary path, with any of its unreserved characters escaped, passes and decodes to the plain path. */
    @Property(tries = 300)
    void escapingOrdinaryCharactersChangesNothing(@ForAll("plainPaths") String plain, @ForAll long seed) {
        java.util.Random random = new java.util.Random(seed);
        StringBuilder spelled = new StringBuilder();
        for (char c : plain.toCharArray()) {
            if (c != '/' && c != '.' && random.nextBoolean()) {
                String hex = String.format("%02x", (int) c);
                spelled.append('%').append(random.nextBoolean() ? hex : hex.toUpperCase());
            } else {
                spelled.append(c);
            }
        }
        assertThat(PathFirewall.problem(spelled.toString())).isNull();
        assertThat(RequestPath.parse(spelled.toString(), null).pathWithinApplication().elements().stream()
                        .map(e -> e instanceof org.springframework.http.server.PathContainer.PathSegment s
                                ? s.valueToMatch()
                                : e.value())
                        .reduce("", String::concat))
                .isEqualTo(plain);
    }

    @Provide
    Arbitrary<String> plainPaths() {
        Arbitrary<String> segment = Arbitraries.strings()
                .withChars("abcxyzAZ019-_~.")
                .ofMinLength(1)
                .ofMaxLength(8)
                .filter(s -> !s.equals(".") && !s.equals(".."));
        return segment.list().ofMinSize(1).ofMaxSize(5).map(l -> "/" + String.join("/", l));
    }
}
