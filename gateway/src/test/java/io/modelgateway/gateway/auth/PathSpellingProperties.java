package io.modelgateway.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.AdminClient;
import io.modelgateway.gateway.GatewayTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContextManager;

/**
 * Every admin and finance path, spelled in many ways (percent-escapes of any character in either case,
 * double escapes, changed letter case, doubled slashes, dot segments plain and escaped, matrix parameters,
 * a trailing slash), sent as raw HTTP over a socket so nothing normalises the path on the way: none reaches
 * a handler without the credential the plain path needs. Runs against the shared test application.
 */
class PathSpellingProperties {

    private static int port;
    private static String otherTenant;
    private static String inferenceOnly;
    private static String usageReader;
    private static String ownTenant;
    private static List<Target> targets;

    /** One admin or finance route: a method and its path with the other tenant in {@code {tenant}}. */
    record Target(String method, String path, Access access, boolean tenantPath) {}

    /** The credential a spelled request carries: none, or one the plain path refuses. */
    enum Credential {
        NONE,
        INFERENCE_ONLY,
        OTHER_TENANTS_READER
    }

    /** A subclass of the shared test base: same configuration, so the same cached application context. */
    static final class SharedContext extends GatewayTestBase {}

    @BeforeContainer
    static void application() throws Exception {
        ApplicationContext context =
                new TestContextManager(SharedContext.class).getTestContext().getApplicationContext();
        port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
        AdminClient admin = new AdminClient("http://127.0.0.1:" + port, GatewayTestBase.ADMIN_KEY);
        String run = UUID.randomUUID().toString().substring(0, 8);
        ownTenant = "spell-a-" + run;
        otherTenant = "spell-b-" + run;
        admin.createTenant(ownTenant, "echo");
        admin.createTenant(otherTenant, "echo");
        inferenceOnly = admin.issueKey(ownTenant, "{\"name\":\"i\",\"scopes\":[\"inference\"]}");
        usageReader = admin.issueKey(ownTenant, "{\"name\":\"u\",\"scopes\":[\"usage.read\"]}");
        targets = context.getBean(RouteTable.class).routes().stream()
                .filter(r ->
                        r.access() != Access.PUBLIC && r.access() != Access.CONSOLE && r.access() != Access.INFERENCE)
                .map(r -> new Target(
                        r.methods().isEmpty()
                                ? "GET"
                                : r.methods().iterator().next().name(),
                        RouteTableEndToEndTest.path(r.pattern().getPatternString(), otherTenant),
                        r.access(),
                        r.pattern().getPatternString().contains("{tenant}")))
                .toList();
        assertThat(targets).hasSizeGreaterThan(40);
    }

    @Property(tries = 400)
    void noSpellingReachesAHandlerWithoutTheRightCredential(
            @ForAll("targets") Target target, @ForAll("spellings") List<Integer> edits, @ForAll Credential credential)
            throws IOException {
        String spelled = spell(target.path(), edits);
        String key = switch (credential) {
            case NONE -> null;
            case INFERENCE_ONLY -> inferenceOnly;
            // reads usage, but not the other tenant's, nor anything of admin or finance
            case OTHER_TENANTS_READER ->
                target.tenantPath() || target.access() != Access.TENANT_USAGE ? usageReader : inferenceOnly;
        };
        Answer answer = send(target.method(), spelled, key);
        String request = target.method() + " " + spelled + " with " + credential + ": " + answer;
        Statistics.label("status").collect(answer.status());
        if (answer.status() == 400) {
            assertThat(answer.body()).as(request).contains("\"code\":\"invalid_path\"");
        } else if (answer.status() == 404) {
            assertThat(key).as(request).isNotNull();
            assertThat(answer.body()).as(request).contains("Unknown request URL");
        } else {
            assertThat(answer.status()).as(request).isEqualTo(key == null ? 401 : 403);
        }
    }

    @Example
    void anEscapedOrdinaryCharacterIsTheSamePathWithTheSameCredential() throws IOException {
        String path = "/%61dmin/v1/tenants/" + ownTenant;
        assertThat(send("GET", path, null).status()).isEqualTo(401);
        assertThat(send("GET", path, usageReader).status()).isEqualTo(403);
        Answer admin = send("GET", path, GatewayTestBase.ADMIN_KEY);
        assertThat(admin.status()).isEqualTo(200);
        assertThat(admin.body()).contains("\"id\":\"" + ownTenant + "\"");
        assertThat(send("GET", "/v1/%6Frganization/costs?start_time=0", inferenceOnly)
                        .status())
                .isEqualTo(403);
        assertThat(send("GET", "/v1/%6Frganization/costs?start_time=0", usageReader)
                        .status())
                .isEqualTo(200);
    }

    @Provide
    Arbitrary<Target> targets() {
        return Arbitraries.of(targets);
    }

    /** One edit per character of the path (mostly none), and whether to add a trailing slash. */
    @Provide
    Arbitrary<List<Integer>> spellings() {
        Arbitrary<Integer> edit = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(1, 12)));
        return edit.list().ofMinSize(80).ofMaxSize(80);
    }

    /** The path with edit {@code edits[i]} applied to its {@code i}-th character; the last edit adds a slash. */
    static String spell(String path, List<Integer> edits) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            int edit = edits.get(i % edits.size());
            String hex = String.format("%02x", (int) c);
            switch (edit) {
                case 1 -> b.append('%').append(hex);
                case 2 -> b.append('%').append(hex.toUpperCase());
                case 3 ->
                    b.append('%').append(Character.toUpperCase(hex.charAt(0))).append(hex.charAt(1));
                case 4 -> b.append("%25").append(hex);
                case 5 -> b.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
                case 6 -> b.append(c == '/' ? "//" : String.valueOf(c));
                case 7 -> b.append(c == '/' ? "/./" : String.valueOf(c));
                case 8 -> b.append(c == '/' ? "/x/../" : String.valueOf(c));
                case 9 -> b.append(c == '/' ? "/%2e/" : String.valueOf(c));
                case 10 -> b.append(c == '/' ? "/%2E%2e/" : String.valueOf(c));
                case 11 -> b.append(c).append(c == '/' ? "" : ";v=1");
                case 12 -> b.append(c == '/' ? "%2F" : String.valueOf(c));
                default -> b.append(c);
            }
        }
        if (edits.get(edits.size() - 1) % 2 == 1) {
            b.append('/');
        }
        return b.toString();
    }

    record Answer(int status, String body) {}

    /** One raw HTTP/1.1 request: the path goes on the wire exactly as given. */
    private static Answer send(String method, String path, String key) throws IOException {
        boolean body = !method.equals("GET") && !method.equals("DELETE");
        StringBuilder request = new StringBuilder(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:")
                .append(port)
                .append("\r\nConnection: close\r\n");
        if (key != null) {
            request.append("Authorization: Bearer ").append(key).append("\r\n");
        }
        if (body) {
            request.append("Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
        } else {
            request.append("\r\n");
        }
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String response = all.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            int bodyStart = response.indexOf("\r\n\r\n");
            return new Answer(status, bodyStart < 0 ? "" : response.substring(bodyStart + 4));
        }
    }
}
