package io.modelgateway.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.billing.Micros;
import io.modelgateway.gateway.AdminClient;
import io.modelgateway.gateway.GatewayTestBase;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.awaitility.Awaitility;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContextManager;
import tools.jackson.databind.JsonNode;

/**
 * For random request bodies, the quote's {@code max_cost} is exactly the credit hold the call then takes, on
 * the shared test gateway over HTTP. Chat: each try has a fresh tenant with a random balance (so the hold is
 * often lowered to what the balance affords); the call goes to a model server that waits before its first
 * token, and the open hold is read from the credits API ({@code held_micros}) while it waits. A quote that
 * refuses (bad input, n > 1 on Triton, no credits) is followed by a call refused the same way. Embeddings
 * (whose hold is all or nothing): a balance of exactly {@code max_cost} is served, one micro-unit less refused.
 *
 * <p>A jqwik container: the Spring application context is the one every {@link GatewayTestBase} test shares.
 */
class QuoteHoldProperties extends GatewayTestBase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String HEX = UUID.randomUUID().toString().substring(0, 8);
    private static final String CHAT = "quote-hold-" + HEX;
    private static final String EMBEDDINGS = "quote-hold-emb-" + HEX;
    private static final List<String> WORDS = List.of(
            "alpha", "beta", "Gamma", "δέλτα", "epsilon", "42", "zeta!", "über", "the", "a", "quick", "brown", "fox",
            "日本語", "jumps", "over", "lazy", "dog", "emoji😀", "end.");

    /** Waits before its first token: the hold stays open meanwhile. */
    private static ModelServer slow;

    private static String base;
    private static AdminClient admin;

    @BeforeContainer
    static void start() {
        ApplicationContext context = new TestContextManager(QuoteHoldProperties.class)
                .getTestContext()
                .getApplicationContext();
        base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
        admin = new AdminClient(base, ADMIN_KEY);
        slow = ModelServer.builder()
                .port(0)
                .embeddings(false)
                .echoSettings(new EchoSettings(Duration.ofMillis(1500), 0))
                .start();
        admin.expect(
                201,
                "POST",
                "/deployments",
                "{\"name\":\"" + CHAT + "\",\"backend\":\"" + slow.target()
                        + "\",\"model\":\"echo\",\"chat_template\":\"plain\"}");
        admin.expect(
                201,
                "POST",
                "/prices/" + CHAT,
                "{\"input_per_1m\":\"2.50\",\"output_per_1m\":\"1000\",\"per_request\":\"0.001\",\"effective_from\":1}");
        admin.expect(
                201,
                "POST",
                "/deployments",
                "{\"name\":\"" + EMBEDDINGS + "\",\"kind\":\"embeddings\","
                        + "\"backend\":\"embedded\",\"model\":\"all-minilm-l6-v2\"}");
        admin.expect(
                201,
                "POST",
                "/prices/" + EMBEDDINGS,
                "{\"input_per_1m\":\"130\",\"output_per_1m\":\"0\",\"per_request\":\"0.0002\",\"effective_from\":1}");
        String key = tenant(EMBEDDINGS, "1.00");
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> send(key, "/v1/embeddings", "{\"model\":\"" + EMBEDDINGS + "\",\"input\":\"ready?\"}")
                                .statusCode()
                        == 200);
    }

    @AfterContainer
    static void stop() {
        admin.send("DELETE", "/deployments/" + CHAT, null);
        admin.send("DELETE", "/deployments/" + EMBEDDINGS, null);
        slow.close();
    }

    @Property(tries = 15, shrinking = ShrinkingMode.OFF)
    void theQuotedMaxCostIsTheHoldTheChatCallTakes(@ForAll("chats") String body, @ForAll("balances") long balance)
            throws Exception {
        String[] t = tenantAndKey(CHAT, Micros.format(balance));
        HttpResponse<String> quoted = send(t[1], "/v1/chat/completions/quote", body);
        if (quoted.statusCode() != 200) {
            HttpResponse<String> call = send(t[1], "/v1/chat/completions", body);
            sameError(quoted, call);
            Statistics.collect("refused " + quoted.statusCode());
            return;
        }
        JsonNode q = AdminClient.JSON.readTree(quoted.body());
        if (!q.get("allowed").asBoolean()) {
            assertThat(q.get("refused_by").get("limit").asString())
                    .as(quoted.body())
                    .isEqualTo("credits");
            AdminClient.error(send(t[1], "/v1/chat/completions", body), 429, "insufficient_quota");
            Statistics.collect("no credits");
            return;
        }
        Statistics.collect(
                q.get("affordable_max_tokens").asInt()
                                < q.get("tokens").get("max_tokens").asInt()
                        ? "held, lowered"
                        : "held");
        long maxCost = q.get("max_cost_micros").asLong();
        CompletableFuture<HttpResponse<String>> call =
                HTTP.sendAsync(request(t[1], "/v1/chat/completions", body), HttpResponse.BodyHandlers.ofString());
        Awaitility.await()
                .pollInterval(Duration.ofMillis(10))
                .atMost(Duration.ofSeconds(30))
                .until(() -> held(t[0]) > 0 || call.isDone());
        long held = held(t[0]);
        assertThat(call).as("the call ended before its hold was seen").isNotDone();
        assertThat(held).as(body + " with " + balance + " → " + quoted.body()).isEqualTo(maxCost);
        HttpResponse<String> answer = call.get();
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        int completion = AdminClient.JSON
                .readTree(answer.body())
                .get("usage")
                .get("completion_tokens")
                .asInt();
        assertThat(completion)
                .as("the call ran with the quoted max_tokens")
                .isLessThanOrEqualTo(q.get("affordable_max_tokens").asInt());
    }

    @Property(tries = 6, shrinking = ShrinkingMode.OFF)
    void theQuotedMaxCostIsTheHoldTheEmbeddingsCallTakes(@ForAll("inputs") String body) throws Exception {
        String[] rich = tenantAndKey(EMBEDDINGS, "10.00");
        JsonNode q = AdminClient.JSON.readTree(
                send(rich[1], "/v1/embeddings/quote", body).body());
        long maxCost = q.get("max_cost_micros").asLong();
        assertThat(maxCost).as(q.toString()).isPositive();

        String exact = tenant(EMBEDDINGS, Micros.format(maxCost));
        HttpResponse<String> served = send(exact, "/v1/embeddings", body);
        assertThat(served.statusCode())
                .as("a balance of exactly max_cost covers the hold: " + served.body())
                .isEqualTo(200);
        String[] short1 = tenantAndKey(EMBEDDINGS, Micros.format(maxCost - 1));
        JsonNode refused = AdminClient.JSON.readTree(
                send(short1[1], "/v1/embeddings/quote", body).body());
        assertThat(refused.get("refused_by").get("limit").asString()).isEqualTo("credits");
        AdminClient.error(send(short1[1], "/v1/embeddings", body), 429, "insufficient_quota");
    }

    @Provide
    Arbitrary<String> chats() {
        Arbitrary<String> text =
                Arbitraries.of(WORDS).list().ofMinSize(1).ofMaxSize(40).map(w -> String.join(" ", w));
        Arbitrary<String> message = Combinators.combine(Arbitraries.of("system", "user", "assistant"), text)
                .as((role, content) ->
                        "{\"role\":\"" + role + "\",\"content\":" + AdminClient.JSON.writeValueAsString(content) + "}");
        Arbitrary<String> messages = message.list()
                .ofMinSize(0)
                .ofMaxSize(3)
                .flatMap(first -> text.map(last -> {
                    StringBuilder b = new StringBuilder("[");
                    first.forEach(m -> b.append(m).append(','));
                    return b.append("{\"role\":\"user\",\"content\":")
                            .append(AdminClient.JSON.writeValueAsString(last))
                            .append("}]")
                            .toString();
                }));
        Arbitrary<String> maxTokens = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.just("")),
                net.jqwik.api.Tuple.of(
                        6, Arbitraries.integers().between(1, 3000).map(n -> ",\"max_tokens\":" + n)),
                net.jqwik.api.Tuple.of(
                        1, Arbitraries.integers().between(1, 600).map(n -> ",\"max_completion_tokens\":" + n)));
        Arbitrary<String> n = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, Arbitraries.just("")),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 3).map(k -> ",\"n\":" + k)));
        return Combinators.combine(messages, maxTokens, n)
                .as((m, mt, k) -> "{\"model\":\"" + CHAT + "\",\"messages\":" + m + mt + k + "}");
    }

    @Provide
    Arbitrary<Long> balances() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(1, 2_000)),
                net.jqwik.api.Tuple.of(4, Arbitraries.longs().between(2_000, 500_000)),
                net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(500_000, 10_000_000)));
    }

    @Provide
    Arbitrary<String> inputs() {
        Arbitrary<String> text =
                Arbitraries.of(WORDS).list().ofMinSize(1).ofMaxSize(30).map(w -> String.join(" ", w));
        Arbitrary<String> one = text.map(s -> AdminClient.JSON.writeValueAsString(s));
        Arbitrary<String> many = text.list().ofMinSize(1).ofMaxSize(5).map(l -> AdminClient.JSON.writeValueAsString(l));
        return Arbitraries.oneOf(one, many).map(input -> "{\"model\":\"" + EMBEDDINGS + "\",\"input\":" + input + "}");
    }

    private static void sameError(HttpResponse<String> quoted, HttpResponse<String> call) {
        assertThat(quoted.statusCode()).as(quoted.body()).isBetween(400, 499);
        assertThat(call.statusCode()).as(call.body()).isEqualTo(quoted.statusCode());
        JsonNode a = AdminClient.JSON.readTree(quoted.body()).get("error");
        JsonNode b = AdminClient.JSON.readTree(call.body()).get("error");
        assertThat(a.get("code")).isEqualTo(b.get("code"));
        assertThat(a.get("param")).isEqualTo(b.get("param"));
    }

    private static long held(String tenant) {
        return admin.expect(200, "GET", "/tenants/" + tenant + "/credits", null)
                .get("held_micros")
                .asLong();
    }

    private static String tenant(String deployment, String credits) {
        return tenantAndKey(deployment, credits)[1];
    }

    private static String[] tenantAndKey(String deployment, String credits) {
        String id = "qh-" + UUID.randomUUID().toString().substring(0, 8);
        admin.createTenant(id, deployment);
        admin.expect(201, "POST", "/tenants/" + id + "/credits/grants", "{\"amount\":\"" + credits + "\"}");
        return new String[] {id, admin.issueKey(id)};
    }

    private static HttpRequest request(String key, String path, String body) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static HttpResponse<String> send(String key, String path, String body) throws Exception {
        return HTTP.send(request(key, path, body), HttpResponse.BodyHandlers.ofString());
    }
}
