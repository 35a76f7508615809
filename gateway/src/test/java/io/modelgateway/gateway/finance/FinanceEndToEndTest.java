package io.modelgateway.gateway.finance;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.modelgateway.billing.ledger.Ledger;
import io.modelgateway.billing.ledger.Posting;
import io.modelgateway.billing.usage.UsageRecord;
import io.modelgateway.billing.usage.UsageStore;
import io.modelgateway.billing.usage.UsageWriter;
import io.modelgateway.gateway.AdminClient;
import io.modelgateway.gateway.GatewayTestBase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The finance API end to end (H2, the gateway's own context), read with java.net.http as OpenAI's admin
 * API is read. Known records are seeded for two fresh tenants in March 2020 (no other test writes there);
 * prices: {@code fin-a} 2 micro-units per input token, 8 per output token, 0.001 per call.
 * <pre>
 * a1 A keyA1 fin-a chat in 1000 out 100  03-01 00:00:10  2000+800+1000 = 3800
 * a2 A keyA2 fin-a chat in 500  out 50   03-01 05:00:00  1000+400+1000 = 2400
 * a3 A keyA1 fin-a emb  in 300           03-02 10:00:00  600+1000      = 1600
 * b1 B keyB  fin-a chat in 10   out 10   03-01 23:59:59  20+80+1000    = 1100
 * </pre>
 * Credits: A granted 20.00 on 02-20; B 1.00 on 03-01.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FinanceEndToEndTest extends GatewayTestBase {

    static final Instant MAR1 = Instant.parse("2020-03-01T00:00:00Z");
    static final long DAY = 86_400;

    @Autowired
    DataSource dataSource;

    @Autowired
    Ledger ledger;

    @Autowired
    UsageWriter writer;

    String a;
    String b;
    String keyA;
    String inferenceOnlyA;
    String keyB;
    String finance;
    long version;

    @BeforeAll
    void seed() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        a = "fin-a-" + suffix;
        b = "fin-b-" + suffix;
        AdminClient admin = admin();
        admin.createTenant(a, "echo");
        admin.createTenant(b, "echo");
        keyA = admin.issueKey(a);
        inferenceOnlyA = admin.issueKey(a, "{\"name\":\"infer\",\"scopes\":[\"inference\"]}");
        keyB = admin.issueKey(b, "{\"name\":\"reader\",\"scopes\":[\"usage.read\"]}");
        finance = admin.expect(201, "POST", "/keys", "{\"name\":\"finance-" + suffix + "\",\"scopes\":[\"finance\"]}")
                .get("key")
                .asString();
        // Prices are only taken for deployments that exist.
        admin.expect(
                201,
                "POST",
                "/deployments",
                "{\"name\":\"fin-a\",\"kind\":\"chat\",\"backend\":\"embedded\",\"model\":\"echo\"}");
        version = admin.expect(
                        201,
                        "POST",
                        "/prices/fin-a",
                        "{\"input_per_1m\":\"2\",\"output_per_1m\":\"8\",\"per_request\":\"0.001\",\"effective_from\":1}")
                .get("version")
                .asLong();
        new UsageStore(dataSource)
                .insert(List.of(
                        rec("a1-" + suffix, a, "keyA1", "chat", 1000, 100, 3800, "2020-03-01T00:00:10Z"),
                        rec("a2-" + suffix, a, "keyA2", "chat", 500, 50, 2400, "2020-03-01T05:00:00Z"),
                        rec("a3-" + suffix, a, "keyA1", "embeddings", 300, 0, 1600, "2020-03-02T10:00:00Z"),
                        rec("b1-" + suffix, b, "keyB", "chat", 10, 10, 1100, "2020-03-01T23:59:59Z")));
        ledger.post(Posting.grant(a, 20_000_000, null, null, "welcome"), Instant.parse("2020-02-20T00:00:00Z"));
        ledger.post(Posting.grant(b, 1_000_000, null, null, "welcome"), MAR1);
    }

    private UsageRecord rec(String id, String tenant, String key, String op, int in, int out, long cost, String at) {
        Instant t = Instant.parse(at);
        return new UsageRecord(
                id,
                tenant,
                key,
                "fin-a",
                "echo",
                op,
                in,
                0,
                out,
                false,
                cost,
                version,
                "completed",
                200,
                t,
                t,
                t.plusSeconds(1));
    }

    /**
     * A fresh connection per call, as {@link AdminClient} does: a keep-alive connection can hang after a
     * response completed off the event loop (pre-existing, also seen by the admin API tests).
     */
    private static HttpClient http() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private HttpResponse<String> get(String credential, String pathAndQuery) throws Exception {
        HttpRequest.Builder r =
                HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery)).timeout(Duration.ofSeconds(30));
        if (credential != null) {
            r.header("Authorization", "Bearer " + credential);
        }
        return http().send(r.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String credential, String path) throws Exception {
        return http().send(
                        HttpRequest.newBuilder(URI.create(baseUrl() + path))
                                .header("Authorization", "Bearer " + credential)
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return AdminClient.JSON.readTree(r.body());
    }

    private String range(int days) {
        return "start_time=" + MAR1.getEpochSecond() + "&end_time=" + (MAR1.getEpochSecond() + days * DAY);
    }

    private String both() {
        return "&project_ids=" + a + "," + b;
    }

    @Test
    void completionsPerDayAndProjectInOpenAisShape() throws Exception {
        JsonNode page = ok(get(
                finance,
                "/v1/organization/usage/completions?" + range(2) + both() + "&group_by=project_id&bucket_width=1d"));
        assertThat(page.get("object").asString()).isEqualTo("page");
        assertThat(page.get("has_more").asBoolean()).isFalse();
        assertThat(page.get("next_page").isNull()).isTrue();
        JsonNode day1 = page.get("data").get(0);
        assertThat(day1.get("object").asString()).isEqualTo("bucket");
        assertThat(day1.get("start_time").asLong()).isEqualTo(MAR1.getEpochSecond());
        assertThat(day1.get("end_time").asLong()).isEqualTo(MAR1.getEpochSecond() + DAY);
        JsonNode ra = day1.get("results").get(0);
        assertThat(ra.get("object").asString()).isEqualTo("organization.usage.completions.result");
        assertThat(ra.get("project_id").asString()).isEqualTo(a);
        assertThat(ra.get("num_model_requests").asLong()).isEqualTo(2);
        assertThat(ra.get("input_tokens").asLong()).isEqualTo(1500);
        assertThat(ra.get("output_tokens").asLong()).isEqualTo(150);
        assertThat(ra.get("input_cached_tokens").asLong()).isZero();
        assertThat(ra.get("model").isNull()).isTrue();
        assertThat(ra.has("batch")).isTrue();
        JsonNode rb = day1.get("results").get(1);
        assertThat(rb.get("project_id").asString()).isEqualTo(b);
        assertThat(rb.get("input_tokens").asLong()).isEqualTo(10);
        assertThat(page.get("data").get(1).get("results")).isEmpty(); // day 2 had embeddings only
        JsonNode emb = ok(get(
                        finance,
                        "/v1/organization/usage/embeddings?" + range(2) + both()
                                + "&group_by[]=model&group_by[]=api_key_id"))
                .get("data")
                .get(1)
                .get("results")
                .get(0);
        assertThat(emb.get("object").asString()).isEqualTo("organization.usage.embeddings.result");
        assertThat(emb.get("input_tokens").asLong()).isEqualTo(300);
        assertThat(emb.get("model").asString()).isEqualTo("fin-a");
        assertThat(emb.get("api_key_id").asString()).isEqualTo("keyA1");
        assertThat(emb.has("output_tokens")).isFalse();
    }

    @Test
    void hourlyPagesFollowNextPage() throws Exception {
        String q = "/v1/organization/usage/completions?" + range(1) + both() + "&bucket_width=1h&limit=3";
        JsonNode first = ok(get(finance, q));
        assertThat(first.get("data")).hasSize(3);
        assertThat(first.get("has_more").asBoolean()).isTrue();
        assertThat(first.get("data")
                        .get(0)
                        .get("results")
                        .get(0)
                        .get("num_model_requests")
                        .asLong())
                .isEqualTo(1);
        int pages = 1;
        long requests = 1;
        JsonNode page = first;
        while (page.get("has_more").asBoolean()) {
            page = ok(get(finance, q + "&page=" + page.get("next_page").asString()));
            pages++;
            for (JsonNode bucket : page.get("data")) {
                for (JsonNode r : bucket.get("results")) {
                    requests += r.get("num_model_requests").asLong();
                }
            }
        }
        assertThat(pages).isEqualTo(8); // 24 hours, 3 a page
        assertThat(requests).isEqualTo(3); // a1 in the first page, a2 at 05:00, b1 at 23:00
        JsonNode minutes = ok(get(
                finance,
                "/v1/organization/usage/completions?start_time=" + MAR1.getEpochSecond() + "&end_time="
                        + (MAR1.getEpochSecond() + 120) + "&bucket_width=1m" + both()));
        assertThat(minutes.get("data")).hasSize(2);
        assertThat(minutes.get("data")
                        .get(0)
                        .get("results")
                        .get(0)
                        .get("input_tokens")
                        .asLong())
                .isEqualTo(1000);
        assertThat(get(finance, q + "&page=bm90LWEtcGFnZQ").statusCode()).isEqualTo(400);
        assertThat(get(finance, q.replace("1h", "2h")).statusCode()).isEqualTo(400);
    }

    @Test
    void whoSeesWhat() throws Exception {
        // a tenant's usage.read key sees its own tenant only, whatever it asks for
        JsonNode own = ok(get(
                keyB, "/v1/organization/usage/completions?" + range(1) + "&project_ids=" + a + "&group_by=project_id"));
        JsonNode results = own.get("data").get(0).get("results");
        assertThat(results).hasSize(1);
        assertThat(results.get(0).get("project_id").asString()).isEqualTo(b);
        AdminClient.error(
                get(inferenceOnlyA, "/v1/organization/usage/completions?" + range(1)), 403, "insufficient_scope");
        AdminClient.error(get(null, "/v1/organization/costs?" + range(1)), 401, "missing_api_key");
        AdminClient.error(get(keyB, "/v1/organization/statements/" + a + "/2020-03"), 403, "other_tenant");
        AdminClient.error(post(keyB, "/v1/organization/statements/" + b + "/2020-03/close"), 403, "insufficient_scope");
        AdminClient.error(get(keyB, "/v1/organization/reconciliation?" + range(1)), 403, "insufficient_scope");
        assertThat(get(ADMIN_KEY, "/v1/organization/usage/completions?" + range(1) + both())
                        .statusCode())
                .isEqualTo(200);
        String records = get(keyB, "/v1/organization/usage/records?" + range(31) + "&project_ids=" + a)
                .body();
        assertThat(records.split("\r\n")).hasSize(2).allMatch(l -> !l.contains(a));
    }

    @Test
    void costsInOpenAisShapeWithExactDecimals() throws Exception {
        HttpResponse<String> r = get(finance, "/v1/organization/costs?" + range(2) + both() + "&group_by=project_id");
        JsonNode day1 = ok(r).get("data").get(0).get("results");
        assertThat(day1.get(0).get("object").asString()).isEqualTo("organization.costs.result");
        assertThat(day1.get(0).get("project_id").asString()).isEqualTo(a);
        assertThat(day1.get(0).get("amount").get("value").decimalValue()).isEqualByComparingTo("0.0062");
        assertThat(day1.get(0).get("amount").get("currency").asString()).isEqualTo("usd");
        assertThat(day1.get(1).get("amount").get("value").decimalValue()).isEqualByComparingTo("0.0011");
        assertThat(r.body()).contains("\"value\":0.0062,").doesNotContain("E-");
        JsonNode lines = ok(get(
                        finance, "/v1/organization/costs?" + range(2) + "&project_ids=" + a + "&group_by=line_item"))
                .get("data")
                .get(1)
                .get("results");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).get("line_item").asString()).isEqualTo("fin-a, input");
        assertThat(lines.get(0).get("amount").get("value").decimalValue()).isEqualByComparingTo("0.0006");
        assertThat(lines.get(1).get("line_item").asString()).isEqualTo("fin-a, requests");
        assertThat(lines.get(1).get("amount").get("value").decimalValue()).isEqualByComparingTo("0.001");
        assertThat(get(finance, "/v1/organization/costs?" + range(2) + "&bucket_width=1h")
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void csvOfReportsAndRecords() throws Exception {
        HttpResponse<String> usage = get(
                finance,
                "/v1/organization/usage/completions?" + range(2) + both()
                        + "&group_by=project_id,api_key_id&format=csv");
        assertThat(usage.statusCode()).isEqualTo(200);
        assertThat(usage.headers().firstValue("content-type").orElse("")).startsWith("text/csv");
        assertThat(usage.body())
                .isEqualTo(
                        "start_time,end_time,project_id,api_key_id,model,num_model_requests,input_tokens,input_cached_tokens,output_tokens\r\n"
                                + "2020-03-01T00:00:00Z,2020-03-02T00:00:00Z," + a + ",keyA1,,1,1000,0,100\r\n"
                                + "2020-03-01T00:00:00Z,2020-03-02T00:00:00Z," + a + ",keyA2,,1,500,0,50\r\n"
                                + "2020-03-01T00:00:00Z,2020-03-02T00:00:00Z," + b + ",keyB,,1,10,0,10\r\n");
        HttpRequest accept = HttpRequest.newBuilder(
                        URI.create(baseUrl() + "/v1/organization/costs?" + range(3) + both()))
                .header("Authorization", "Bearer " + finance)
                .header("Accept", "text/csv")
                .GET()
                .build();
        assertThat(http().send(accept, HttpResponse.BodyHandlers.ofString()).body())
                .isEqualTo("start_time,end_time,project_id,line_item,amount,currency\r\n"
                        + "2020-03-01T00:00:00Z,2020-03-02T00:00:00Z,,,0.0073,usd\r\n"
                        + "2020-03-02T00:00:00Z,2020-03-03T00:00:00Z,,,0.0016,usd\r\n");
        String records = get(finance, "/v1/organization/usage/records?" + range(31) + both())
                .body();
        String[] lines = records.split("\r\n");
        assertThat(lines).hasSize(5);
        assertThat(lines[1])
                .startsWith("a1-")
                .contains("," + a + ",keyA1,fin-a,echo,chat,1000,0,100,false,0.003800," + version
                        + ",completed,200,2020-03-01T00:00:10Z,2020-03-01T00:00:10Z,2020-03-01T00:00:11Z");
        assertThat(lines[4]).startsWith("a3-");
    }

    @Test
    void aClosedStatementStaysByteIdentical() throws Exception {
        String path = "/v1/organization/statements/" + a + "/2020-03";
        JsonNode open = ok(get(keyA, path));
        assertThat(open.get("status").asString()).isEqualTo("open");
        assertThat(open.get("opening_balance").get("amount").asString()).isEqualTo("20.00");
        assertThat(open.get("usage").get("lines")).hasSize(3); // input 1800 tokens, output 150, 3 calls
        assertThat(open.get("usage").get("total").asString()).isEqualTo("0.01"); // 0.0036 + 0.0012 + 0.003 = 0.0078
        assertThat(open.get("closing_balance").get("exact").asString()).isEqualTo("19.9922");
        assertThat(open.get("closing_balance").get("amount").asString())
                .isEqualTo("19.99"); // 20.00 - 0.00 - 0.00 - 0.01 (lines rounded)
        HttpResponse<String> closed = post(finance, path + "/close");
        assertThat(closed.statusCode()).as(closed.body()).isEqualTo(201);
        String csv = get(keyA, path + "?format=csv").body();
        assertThat(csv).contains("closing_balance").endsWith(",19.99,19.9922,usd\r\n");
        // later traffic for March and a manual adjustment: March does not change
        new UsageStore(dataSource)
                .insert(List.of(rec("late-" + a, a, "keyA1", "chat", 0, 1000, 9000, "2020-03-31T12:00:00Z")));
        admin().expect(
                        201,
                        "POST",
                        "/tenants/" + a + "/credits/adjustments",
                        "{\"amount\":\"0.5\",\"note\":\"sorry\"}");
        assertThat(get(finance, path).body()).isEqualTo(closed.body());
        assertThat(get(keyA, path + "?format=csv").body()).isEqualTo(csv);
        HttpResponse<String> again = post(finance, path + "/close");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).isEqualTo(closed.body());
        JsonNode april = ok(get(finance, "/v1/organization/statements/" + a + "/2020-04"));
        assertThat(april.get("opening_balance").get("exact").asString()).isEqualTo("19.9922");
        JsonNode correction = april.get("adjustments").get("lines").get(0);
        assertThat(correction.get("kind").asString()).isEqualTo("correction");
        assertThat(correction.get("exact").asString()).isEqualTo("-0.009");
        assertThat(april.get("closing_balance").get("exact").asString()).isEqualTo("19.9832");
        String thisMonth = YearMonth.now(ZoneOffset.UTC).toString();
        JsonNode now = ok(get(finance, "/v1/organization/statements/" + a + "/" + thisMonth));
        assertThat(now.get("adjustments").get("lines").get(0).get("description").asString())
                .isEqualTo("sorry");
        assertThat(now.get("adjustments").get("total").asString()).isEqualTo("0.50");
        AdminClient.error(
                post(finance, "/v1/organization/statements/" + a + "/" + thisMonth + "/close"),
                409,
                "period_not_ended");
        AdminClient.error(get(finance, "/v1/organization/statements/no-such-tenant/2020-03"), 404, "not_found");
    }

    @Test
    void reconciliationIsCleanAndCatchesATamperedRecord() throws Exception {
        String q = "/v1/organization/reconciliation?" + range(31) + "&project_ids=" + b;
        JsonNode clean = ok(get(finance, q));
        assertThat(clean.get("clean").asBoolean()).isTrue();
        assertThat(clean.get("records_checked").asLong()).isEqualTo(1);
        String id = "b1-" + a.substring(a.length() - 6);
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE usage_record SET output_tokens = 11 WHERE request_id = '" + id + "'");
        }
        try {
            JsonNode tampered = ok(get(finance, q));
            assertThat(tampered.get("clean").asBoolean()).isFalse();
            JsonNode d = tampered.get("differences").get(0);
            assertThat(d.get("kind").asString()).isEqualTo("record_cost");
            assertThat(d.get("subject").asString()).isEqualTo(id);
            assertThat(d.get("stored").asLong()).isEqualTo(1100);
            assertThat(d.get("recomputed").asLong()).isEqualTo(1108);
            assertThat(tampered.get("differences").get(1).get("kind").asString())
                    .isEqualTo("rollup");
        } finally {
            try (Connection c = dataSource.getConnection();
                    Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE usage_record SET output_tokens = 10 WHERE request_id = '" + id + "'");
            }
        }
    }

    @Test
    void liveTrafficShowsInTheReports() throws Exception {
        String tenant = "fin-live-" + UUID.randomUUID().toString().substring(0, 6);
        admin().createTenant(tenant, "echo");
        String key = admin().issueKey(tenant);
        long prompt = 0;
        long completion = 0;
        for (int i = 0; i < 2; i++) {
            ChatCompletion c = openAi(key)
                    .chat()
                    .completions()
                    .create(ChatCompletionCreateParams.builder()
                            .model("echo")
                            .maxCompletionTokens(5)
                            .addUserMessage("count to three")
                            .build());
            prompt += c.usage().orElseThrow().promptTokens();
            completion += c.usage().orElseThrow().completionTokens();
        }
        assertThat(writer.awaitStored(Duration.ofSeconds(20))).isTrue();
        long now = Instant.now().getEpochSecond();
        JsonNode page = ok(get(
                key,
                "/v1/organization/usage/completions?start_time=" + (now - 3600) + "&end_time=" + (now + 60)
                        + "&bucket_width=1h&group_by=model"));
        long requests = 0;
        long input = 0;
        long output = 0;
        for (JsonNode bucket : page.get("data")) {
            for (JsonNode r : bucket.get("results")) {
                assertThat(r.get("model").asString()).isEqualTo("echo");
                requests += r.get("num_model_requests").asLong();
                input += r.get("input_tokens").asLong();
                output += r.get("output_tokens").asLong();
            }
        }
        assertThat(requests).isEqualTo(2);
        assertThat(input).isEqualTo(prompt);
        assertThat(output).isEqualTo(completion);
    }
}
