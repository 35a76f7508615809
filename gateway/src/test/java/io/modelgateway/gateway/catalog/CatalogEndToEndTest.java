package io.modelgateway.gateway.catalog;

import static io.modelgateway.gateway.AdminClient.JSON;
import static io.modelgateway.gateway.AdminClient.error;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.core.JsonValue;
import com.openai.models.models.Model;
import io.modelgateway.gateway.GatewayTestBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The model catalog end to end, over HTTP on the shared test gateway: deployments defined through the admin
 * API with catalog entries and priced through the billing API, read back with the official openai-java SDK
 * ({@code /v1/models}), in Azure's shape ({@code /openai/models}) and through the search ({@code /v1/catalog});
 * a tenant sees only what its policy allows. Every deployment of a test carries a tag unique to it, so the
 * searches see only its own.
 */
class CatalogEndToEndTest extends GatewayTestBase {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private String tag;

    @BeforeEach
    void uniqueTag() {
        tag = "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String define(String name, String settings, String catalog) {
        admin().expect(
                        201,
                        "POST",
                        "/deployments",
                        "{\"name\":\"" + name + "\"" + (settings.isEmpty() ? "" : "," + settings)
                                + ",\"catalog\":{\"tags\":[\"" + tag + "\"]" + (catalog.isEmpty() ? "" : "," + catalog)
                                + "}}");
        return name;
    }

    private String chat(String suffix, String catalog) {
        return define(tag + "-" + suffix, "\"model\":\"echo\",\"chat_template\":\"plain\"", catalog);
    }

    private void price(String deployment, String input, String output) {
        admin().expect(
                        201,
                        "POST",
                        "/prices/" + deployment,
                        "{\"input_per_1m\":\"" + input + "\",\"output_per_1m\":\"" + output
                                + "\",\"cached_input_per_1m\":\"0.5\",\"effective_from\":1}");
    }

    private HttpResponse<String> get(String path, String key) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).GET(), key);
    }

    private HttpResponse<String> post(String path, String key, String body) {
        return send(
                HttpRequest.newBuilder(URI.create(baseUrl() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                key);
    }

    private static HttpResponse<String> send(HttpRequest.Builder b, String key) {
        try {
            return HTTP.send(
                    b.header("Authorization", "Bearer " + key)
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode ok(String path, String key) {
        HttpResponse<String> r = get(path, key);
        assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.get("data").forEach(m -> ids.add(m.get("id").asString()));
        return ids;
    }

    @Test
    void officialSdkReadsTheExtendedModelList() {
        String name = chat(
                "llama",
                "\"display_name\":\"Llama Echo\",\"description\":\"Repeats you.\","
                        + "\"publisher\":\"Echo Labs\",\"license\":\"apache-2.0\",\"modalities\":[\"text\",\"image\"],"
                        + "\"context_length\":8192,\"max_output_tokens\":2048,\"lifecycle\":\"deprecated\","
                        + "\"deprecation_date\":\"2026-01-15\",\"retirement_date\":\"2999-01-31\",\"successor\":\"echo\"");
        price(name, "2.50", "10");

        List<Model> models = new ArrayList<>();
        openAi().models().list().autoPager().forEach(models::add);
        Model listed =
                models.stream().filter(m -> m.id().equals(name)).findFirst().orElseThrow();
        assertThat(listed.ownedBy()).isEqualTo("Echo Labs");
        assertThat(listed.shutdownDate()).hasValue(LocalDate.of(2999, 1, 31));
        assertThat(models).extracting(Model::id).contains("echo", "all-minilm-l6-v2");

        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Model m = openAi().models().retrieve(name);
            Map<String, JsonValue> extra = m._additionalProperties();
            assertThat(extra.get("display_name").convert(String.class)).isEqualTo("Llama Echo");
            assertThat(extra.get("context_length").convert(Integer.class)).isEqualTo(8192);
            assertThat(extra.get("max_output_tokens").convert(Integer.class)).isEqualTo(2048);
            assertThat(extra.get("tags").convert(List.class)).containsExactly(tag);
            assertThat(extra.get("tasks").convert(List.class)).containsExactly("chat", "completions");
            assertThat(extra.get("capabilities").convert(List.class)).contains("chat_completion", "image");
            Map<?, ?> pricing = extra.get("pricing").convert(Map.class);
            assertThat(pricing).as("priced within a second").isNotNull();
            assertThat(pricing.get("input_per_1m")).isEqualTo("2.500000");
            assertThat(pricing.get("output_per_1m_micros")).isEqualTo(10_000_000);
            assertThat(pricing.get("cached_input_per_1m")).isEqualTo("0.500000");
            assertThat(pricing.get("effective_from")).isEqualTo(1);
            Map<?, ?> lifecycle = extra.get("lifecycle").convert(Map.class);
            assertThat(lifecycle.get("status")).isEqualTo("deprecated");
            assertThat(lifecycle.get("successor")).isEqualTo("echo");
            Map<?, ?> status = extra.get("status").convert(Map.class);
            assertThat(status.get("state")).isEqualTo("ready");
            assertThat((Integer) status.get("ready_replicas")).isEqualTo(1);
        });
    }

    @Test
    void azureModelListHasCapabilitiesLifecycleAndDeprecationDates() {
        String chat = chat("gpt", "\"lifecycle\":\"preview\"");
        String old = chat("old", "\"lifecycle\":\"deprecated\",\"retirement_date\":\"2999-06-30\"");
        String embed = define(
                tag + "-embed",
                "\"kind\":\"embeddings\",\"model\":\"all-minilm-l6-v2\"",
                "\"embedding_dimensions\":384");

        JsonNode list = ok("/openai/models?api-version=2024-10-21", KEY);
        assertThat(list.get("object").asString()).isEqualTo("list");
        Map<String, JsonNode> byId = new java.util.HashMap<>();
        list.get("data").forEach(m -> byId.put(m.get("id").asString(), m));
        JsonNode c = byId.get(chat);
        assertThat(c.get("object").asString()).isEqualTo("model");
        assertThat(c.get("status").asString()).isEqualTo("succeeded");
        assertThat(c.get("lifecycle_status").asString()).isEqualTo("preview");
        assertThat(c.get("capabilities").get("chat_completion").asBoolean()).isTrue();
        assertThat(c.get("capabilities").get("completion").asBoolean()).isTrue();
        assertThat(c.get("capabilities").get("embeddings").asBoolean()).isFalse();
        assertThat(c.get("capabilities").get("inference").asBoolean()).isTrue();
        assertThat(c.get("deprecation").isObject()).isTrue();
        assertThat(c.get("created_at").isNumber()).isTrue();
        JsonNode e = byId.get(embed);
        assertThat(e.get("lifecycle_status").asString()).isEqualTo("generally-available");
        assertThat(e.get("capabilities").get("embeddings").asBoolean()).isTrue();
        assertThat(e.get("capabilities").get("chat_completion").asBoolean()).isFalse();
        JsonNode o = byId.get(old);
        assertThat(o.get("lifecycle_status").asString()).isEqualTo("deprecated");
        assertThat(o.get("deprecation").get("inference").asLong())
                .isEqualTo(LocalDate.of(2999, 6, 30)
                        .atStartOfDay(java.time.ZoneOffset.UTC)
                        .toEpochSecond());

        error(get("/openai/models", KEY), 400, "missing_api_version");
    }

    @Test
    void searchFiltersSortsAndPages() {
        String cheap = chat("cheap", "\"description\":\"A small fast model for chat.\",\"context_length\":4096");
        String vision = chat(
                "vision",
                "\"modalities\":[\"text\",\"image\"],\"context_length\":128000," + "\"display_name\":\"Seeing Eye\"");
        String pricey = chat("pricey", "\"description\":\"Large reasoning model.\"");
        String embed = define(
                tag + "-embed",
                "\"kind\":\"embeddings\",\"model\":\"all-minilm-l6-v2\"," + "\"region\":\"eu\"",
                "\"embedding_dimensions\":384");
        price(cheap, "0.10", "0.40");
        price(vision, "1", "4");
        price(pricey, "15", "60");

        String base = "/v1/catalog?q=" + tag;
        assertThat(ids(ok(base, KEY))).containsExactly(cheap, embed, pricey, vision);
        assertThat(ids(ok(base + "&order=desc", KEY))).containsExactly(vision, pricey, embed, cheap);
        // Free text: every word must match a name, description or tag, in any case.
        assertThat(ids(ok(base + "+FAST+chat", KEY))).containsExactly(cheap);
        assertThat(ids(ok(base + "+seeing", KEY))).containsExactly(vision);
        assertThat(ids(ok(base + "+nothing-like-this", KEY))).isEmpty();
        // Filters.
        assertThat(ids(ok(base + "&task=embeddings", KEY))).containsExactly(embed);
        assertThat(ids(ok(base + "&task=completions", KEY))).containsExactly(cheap, pricey, vision);
        assertThat(ids(ok(base + "&region=eu", KEY))).containsExactly(embed);
        assertThat(ids(ok(base + "&capability=image", KEY))).containsExactly(vision);
        // Prices are read from the price book within a second of being posted.
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(ids(ok(base + "&max_input_price=1", KEY))).containsExactly(cheap, vision);
            assertThat(ids(ok(base + "&max_output_price=0.4", KEY))).containsExactly(cheap);
        });
        assertThat(ids(ok(base + "&sort=input_price", KEY))).containsExactly(cheap, vision, pricey, embed);
        assertThat(ids(ok(base + "&sort=input_price&order=desc", KEY))).containsExactly(pricey, vision, cheap, embed);
        assertThat(ids(ok(base + "&sort=context_length&order=desc", KEY)))
                .containsExactly(vision, cheap, embed, pricey);

        // Pages of two, by cursor.
        JsonNode first = ok(base + "&sort=input_price&limit=2", KEY);
        assertThat(ids(first)).containsExactly(cheap, vision);
        assertThat(first.get("has_more").asBoolean()).isTrue();
        assertThat(first.get("last_id").asString()).isEqualTo(vision);
        JsonNode second = ok(base + "&sort=input_price&limit=2&after=" + vision, KEY);
        assertThat(ids(second)).containsExactly(pricey, embed);
        assertThat(second.get("has_more").asBoolean()).isFalse();
        assertThat(second.get("first_id").asString()).isEqualTo(pricey);

        // Bad parameters are 400s naming them.
        assertThat(error(get(base + "&task=images", KEY), 400, "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("task");
        assertThat(error(get(base + "&limit=0", KEY), 400, "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("limit");
        assertThat(error(get(base + "&max_input_price=cheap", KEY), 400, "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("max_input_price");
        assertThat(error(get(base + "&after=nope", KEY), 400, "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("after");
        assertThat(error(get(base + "&colour=red", KEY), 400, "unknown_parameter")
                        .get("param")
                        .asString())
                .isEqualTo("colour");
        assertThat(get("/v1/catalog", "sk-not-a-key").statusCode()).isEqualTo(401);
    }

    @Test
    void embeddingDimensionsComeFromTheBackendsModelConfigUnlessConfigured() {
        String reported = define(tag + "-emb", "\"kind\":\"embeddings\",\"model\":\"all-minilm-l6-v2\"", "");
        String configured = define(
                tag + "-emb2",
                "\"kind\":\"embeddings\",\"model\":\"all-minilm-l6-v2\"",
                "\"embedding_dimensions\":1024,\"context_length\":512");
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(ok("/v1/models/" + reported, KEY)
                                .get("embedding_dimensions")
                                .asInt())
                        .isEqualTo(384));
        JsonNode c = ok("/v1/models/" + configured, KEY);
        assertThat(c.get("embedding_dimensions").asInt()).isEqualTo(1024);
        assertThat(c.get("context_length").asInt()).isEqualTo(512);
        assertThat(c.get("max_output_tokens").isNull()).isTrue();
        assertThat(ok("/v1/models/echo", KEY).get("context_length").isNull())
                .as("echo reports none")
                .isTrue();
    }

    @Test
    void tenantSeesOnlyTheDeploymentsItsPolicyAllows() {
        String allowed = chat("allowed", "");
        String other = chat("other", "");
        String tenant = "cat-" + tag;
        admin().createTenant(tenant, allowed);
        String key = admin().issueKey(tenant);

        assertThat(ids(ok("/v1/catalog?q=" + tag, key))).containsExactly(allowed);
        assertThat(ids(ok("/v1/models", key))).containsExactly(allowed);
        assertThat(ids(ok("/openai/models?api-version=2024-10-21", key))).containsExactly(allowed);
        assertThat(ok("/v1/models/" + allowed, key).get("id").asString()).isEqualTo(allowed);
        error(get("/v1/models/" + other, key), 404, "model_not_found");
        assertThat(ids(ok("/v1/catalog?q=" + tag, KEY))).containsExactly(allowed, other);
    }

    @Test
    void deprecatedDeploymentAnswersWithDeprecationHeaders() {
        String name = chat(
                "dep",
                "\"lifecycle\":\"deprecated\",\"deprecation_date\":\"2026-03-01\","
                        + "\"retirement_date\":\"2999-01-05\",\"successor\":\"echo\"");
        HttpResponse<String> r = post(
                "/v1/chat/completions",
                KEY,
                "{\"model\":\"" + name + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("deprecation"))
                .hasValue("@"
                        + LocalDate.of(2026, 3, 1)
                                .atStartOfDay(java.time.ZoneOffset.UTC)
                                .toEpochSecond());
        assertThat(r.headers().firstValue("sunset")).hasValue("Sat, 05 Jan 2999 00:00:00 GMT");
        assertThat(r.headers().firstValue("warning"))
                .hasValueSatisfying(w -> assertThat(w).startsWith("299 - \"").contains(name, "2999-01-05", "'echo'"));
        assertThat(r.headers().firstValue("link")).hasValue("</v1/models/echo>; rel=\"successor-version\"");

        // A generally available one has none of them.
        HttpResponse<String> ga = post(
                "/v1/chat/completions",
                KEY,
                "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
        assertThat(ga.statusCode()).isEqualTo(200);
        assertThat(ga.headers().firstValue("deprecation")).isEmpty();
        assertThat(ga.headers().firstValue("sunset")).isEmpty();
    }

    @Test
    void retiredDeploymentAnswers410NamingItsSuccessorOnEveryEndpoint() {
        String retired = chat("ret", "\"lifecycle\":\"retired\",\"successor\":\"echo\"");
        String pastDate = chat("past", "\"lifecycle\":\"deprecated\",\"retirement_date\":\"2020-01-01\"");
        String embed = define(
                tag + "-emb", "\"kind\":\"embeddings\",\"model\":\"all-minilm-l6-v2\"", "\"lifecycle\":\"retired\"");
        String body = "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

        JsonNode e = error(post("/v1/chat/completions", KEY, "{\"model\":\"" + retired + body), 410, "model_retired");
        assertThat(e.get("message").asString()).contains(retired, "`echo`");
        assertThat(e.get("param").asString()).isEqualTo("model");
        error(post("/v1/completions", KEY, "{\"model\":\"" + retired + "\",\"prompt\":\"hi\"}"), 410, "model_retired");
        error(
                post(
                        "/openai/deployments/" + retired + "/chat/completions?api-version=2024-10-21",
                        KEY,
                        "{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"),
                410,
                "model_retired");
        // Deprecated with its retirement date passed: retired.
        assertThat(error(post("/v1/chat/completions", KEY, "{\"model\":\"" + pastDate + body), 410, "model_retired")
                        .get("message")
                        .asString())
                .contains("2020-01-01");
        error(post("/v1/embeddings", KEY, "{\"model\":\"" + embed + "\",\"input\":\"hi\"}"), 410, "model_retired");

        // Still listed, as retired.
        JsonNode listed = ok("/v1/models/" + pastDate, KEY);
        assertThat(listed.get("lifecycle").get("status").asString()).isEqualTo("retired");
        JsonNode azure = ok("/openai/models?api-version=2024-10-21", KEY);
        azure.get("data").forEach(m -> {
            if (m.get("id").asString().equals(retired)) {
                assertThat(m.get("capabilities").get("inference").asBoolean()).isFalse();
            }
        });
    }

    @Test
    void adminRefusesInconsistentCatalogEntriesAndCreatesNothing() {
        String name = tag + "-bad";
        String chat = "{\"name\":\"" + name + "\",\"model\":\"echo\",\"catalog\":{";
        assertThat(error(
                                admin().send("POST", "/deployments", chat + "\"lifecycle\":\"deprecated\"}}"),
                                400,
                                "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("catalog.retirement_date");
        assertThat(error(
                                admin().send("POST", "/deployments", chat + "\"embedding_dimensions\":384}}"),
                                400,
                                "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("catalog.embedding_dimensions");
        assertThat(error(admin().send("POST", "/deployments", chat + "\"lifecycle\":\"beta\"}}"), 400, "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("catalog.lifecycle");
        assertThat(error(
                                admin().send("POST", "/deployments", chat + "\"retirement_date\":\"2027-13-01\"}}"),
                                400,
                                "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("catalog.retirement_date");
        assertThat(error(
                                admin().send(
                                                "POST",
                                                "/deployments",
                                                chat + "\"context_length\":1000,\"max_output_tokens\":2000}}"),
                                400,
                                "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("catalog.max_output_tokens");
        assertThat(error(admin().send("POST", "/deployments", chat + "\"successor\":\"echo\"}}"), 400, "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("catalog.successor");
        assertThat(error(
                                admin().send("POST", "/deployments", chat + "\"modalities\":[\"smell\"]}}"),
                                400,
                                "invalid_value")
                        .get("param")
                        .asString())
                .startsWith("catalog.modalities");
        assertThat(error(admin().send("POST", "/deployments", chat + "\"colour\":\"red\"}}"), 400, "unknown_parameter")
                        .get("param")
                        .asString())
                .isEqualTo("catalog.colour");
        assertThat(error(
                                admin().send(
                                                "POST",
                                                "/deployments",
                                                "{\"name\":\"" + name + "\",\"model\":\"echo\",\"catalog\":\"nice\"}"),
                                400,
                                "invalid_type")
                        .get("param")
                        .asString())
                .isEqualTo("catalog");
        admin().expect(404, "GET", "/deployments/" + name, null);

        // A valid entry is stored and read back, and a replace changes it.
        define(name, "\"model\":\"echo\"", "\"display_name\":\"Good\",\"lifecycle\":\"preview\"");
        JsonNode stored =
                admin().expect(200, "GET", "/deployments/" + name, null).get("catalog");
        assertThat(stored.get("display_name").asString()).isEqualTo("Good");
        assertThat(stored.get("lifecycle").asString()).isEqualTo("preview");
        assertThat(stored.get("tags").get(0).asString()).isEqualTo(tag);
        admin().expect(
                        200,
                        "PUT",
                        "/deployments/" + name,
                        "{\"model\":\"echo\",\"catalog\":{\"lifecycle\":" + "\"retired\",\"successor\":\"echo\"}}");
        JsonNode replaced =
                admin().expect(200, "GET", "/deployments/" + name, null).get("catalog");
        assertThat(replaced.get("lifecycle").asString()).isEqualTo("retired");
        assertThat(replaced.get("display_name").isNull()).isTrue();
        assertThat(ok("/v1/models/" + name, KEY)
                        .get("lifecycle")
                        .get("successor")
                        .asString())
                .isEqualTo("echo");
    }
}
