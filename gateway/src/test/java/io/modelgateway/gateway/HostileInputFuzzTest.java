package io.modelgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.awaitility.Awaitility;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestContextManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hostile input over every endpoint (inference, Azure, admin, billing, finance), sent over real HTTP to the
 * running gateway with valid credentials, so every request reaches parsing: malformed and truncated JSON,
 * wrong types, huge numbers and exponents, deep nesting, invalid UTF-8, NULs, huge strings, random content
 * types and headers, and raw requests that are not valid HTTP. No answer may be a 5xx, and every error must
 * be OpenAI's shape {@code {"error":{"message","type","param","code"}}}.
 *
 * <p>A jqwik container: the Spring application context is the one every {@link GatewayTestBase} test shares,
 * looked up through Spring's test context cache.
 */
class HostileInputFuzzTest extends GatewayTestBase {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final String HEX = UUID.randomUUID().toString().substring(0, 8);
    /** Inference calls: its own tenant, so the other tests' tenants never see this traffic. */
    private static final String TENANT = "fuzz-" + HEX;
    /** Admin writes (limits, policies, credits, status) land on this tenant, never on one a test uses. */
    private static final String TARGET = "fuzz-target-" + HEX;

    private static final String DEPLOYMENT = "fuzz-priced-" + HEX;

    private static String base;
    private static String tenantKey;
    private static String targetKeyId;
    private static String rotatedKeyId;

    @BeforeContainer
    static void start() {
        ApplicationContext context = new TestContextManager(HostileInputFuzzTest.class)
                .getTestContext()
                .getApplicationContext();
        base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
        AdminClient admin = new AdminClient(base, ADMIN_KEY);
        admin.createTenant(TENANT, "echo", "all-minilm-l6-v2");
        admin.createTenant(TARGET, "echo");
        tenantKey = admin.issueKey(TENANT);
        targetKeyId = admin.expect(201, "POST", "/tenants/" + TARGET + "/keys", "{\"name\":\"limits\"}")
                .get("id")
                .asString();
        rotatedKeyId = admin.expect(201, "POST", "/tenants/" + TARGET + "/keys", "{\"name\":\"rotated\"}")
                .get("id")
                .asString();
        admin.expect(
                201,
                "POST",
                "/deployments",
                "{\"name\":\"" + DEPLOYMENT
                        + "\",\"kind\":\"chat\",\"backend\":\"embedded\",\"model\":\"echo\",\"chat_template\":\"plain\"}");
        // The embedding model loads in the background (503 until then): wait, so a 503 here is a finding.
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> HTTP.send(
                                        HttpRequest.newBuilder(URI.create(base + "/v1/embeddings"))
                                                .header("Authorization", "Bearer " + tenantKey)
                                                .header("Content-Type", "application/json")
                                                .POST(HttpRequest.BodyPublishers.ofString(
                                                        "{\"model\":\"all-minilm-l6-v2\",\"input\":\"hi\"}"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
    }

    // ---------------------------------------------------------------- the endpoints and their valid bodies

    /** An endpoint with a valid body (field -> raw JSON) and the other fields it knows. */
    record Endpoint(String method, String path, Who who, Map<String, String> valid, List<String> optional) {}

    enum Who {
        TENANT,
        ADMIN
    }

    private static Endpoint post(String path, Who who, Map<String, String> valid, String... optional) {
        return new Endpoint("POST", path, who, valid, List.of(optional));
    }

    private static Endpoint put(String path, Map<String, String> valid, String... optional) {
        return new Endpoint("PUT", path, Who.ADMIN, valid, List.of(optional));
    }

    private static Map<String, String> fields(String... nameAndJson) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameAndJson.length; i += 2) {
            m.put(nameAndJson[i], nameAndJson[i + 1]);
        }
        return m;
    }

    private static final String[] CHAT_OPTIONAL = {
        "max_completion_tokens",
        "temperature",
        "top_p",
        "n",
        "stream",
        "stream_options",
        "stop",
        "seed",
        "presence_penalty",
        "frequency_penalty",
        "user",
        "logprobs",
        "top_logprobs",
        "logit_bias",
        "response_format",
        "tools",
        "tool_choice",
        "metadata",
        "store"
    };
    private static final String[] COMPLETION_OPTIONAL = {
        "temperature",
        "top_p",
        "n",
        "stream",
        "stream_options",
        "stop",
        "seed",
        "presence_penalty",
        "frequency_penalty",
        "user",
        "logprobs",
        "logit_bias",
        "echo",
        "best_of",
        "suffix"
    };
    private static final String[] EMBEDDING_OPTIONAL = {"encoding_format", "dimensions", "user"};

    static List<Endpoint> inference() {
        List<Endpoint> out = new ArrayList<>();
        String messages = "[{\"role\":\"user\",\"content\":\"hi\"}]";
        for (String prefix : List.of("/v1", "/openai/v1")) {
            out.add(post(
                    prefix + "/chat/completions",
                    Who.TENANT,
                    fields("model", "\"echo\"", "messages", messages, "max_tokens", "4"),
                    CHAT_OPTIONAL));
            out.add(post(
                    prefix + "/completions",
                    Who.TENANT,
                    fields("model", "\"echo\"", "prompt", "\"hi\"", "max_tokens", "4"),
                    COMPLETION_OPTIONAL));
            out.add(post(
                    prefix + "/embeddings",
                    Who.TENANT,
                    fields("model", "\"all-minilm-l6-v2\"", "input", "\"hi\""),
                    EMBEDDING_OPTIONAL));
        }
        String azure = "/openai/deployments/%s/%s?api-version=2024-10-21";
        out.add(post(
                azure.formatted("echo", "chat/completions"),
                Who.TENANT,
                fields("messages", messages, "max_tokens", "4"),
                CHAT_OPTIONAL));
        out.add(post(
                azure.formatted("echo", "completions"),
                Who.TENANT,
                fields("prompt", "\"hi\"", "max_tokens", "4"),
                COMPLETION_OPTIONAL));
        out.add(post(
                azure.formatted("all-minilm-l6-v2", "embeddings"),
                Who.TENANT,
                fields("input", "[\"hi\"]"),
                EMBEDDING_OPTIONAL));
        return out;
    }

    static List<Endpoint> adminWrites() {
        String a = "/admin/v1";
        String credits = "/v1/organization/projects/" + TARGET + "/credits";
        List<Endpoint> out = new ArrayList<>(List.of(
                post(
                        a + "/tenants",
                        Who.ADMIN,
                        fields("id", "\"" + TARGET + "\"", "name", "\"n\"", "deployments", "[\"echo\"]")),
                new Endpoint(
                        "PATCH",
                        a + "/tenants/" + TARGET,
                        Who.ADMIN,
                        fields("name", "\"n\""),
                        List.of("status", "deployments")),
                post(a + "/tenants/" + TARGET + "/keys", Who.ADMIN, fields("name", "\"k\""), "scopes", "expires_at"),
                post(a + "/keys", Who.ADMIN, fields("name", "\"k\"", "scopes", "[\"finance\"]"), "expires_at"),
                post(a + "/keys/" + rotatedKeyId + "/rotate", Who.ADMIN, fields("grace_seconds", "60")),
                post(
                        a + "/deployments",
                        Who.ADMIN,
                        fields(
                                "name",
                                "\"" + DEPLOYMENT + "\"",
                                "kind",
                                "\"chat\"",
                                "backend",
                                "\"embedded\"",
                                "model",
                                "\"echo\""),
                        "chat_template",
                        "token_encoding",
                        "default_max_tokens",
                        "max_tokens_limit",
                        "first_token_timeout",
                        "idle_timeout",
                        "request_timeout",
                        "rpm",
                        "tpm",
                        "layout",
                        "tenants"),
                put(
                        a + "/deployments/" + DEPLOYMENT,
                        fields(
                                "kind",
                                "\"chat\"",
                                "backend",
                                "\"embedded\"",
                                "model",
                                "\"echo\"",
                                "chat_template",
                                "\"plain\""),
                        "default_max_tokens",
                        "max_tokens_limit",
                        "first_token_timeout",
                        "idle_timeout",
                        "request_timeout",
                        "rpm",
                        "tpm",
                        "layout",
                        "name"),
                put(a + "/deployments/" + DEPLOYMENT + "/tenants", fields("tenants", "[\"" + TARGET + "\"]")),
                put(a + "/tenants/" + TARGET + "/limits/echo", fields("rpm", "100000", "tpm", "100000000")),
                put(a + "/keys/" + targetKeyId + "/limits/echo", fields("rpm", "100000")),
                put(
                        a + "/tenants/" + TARGET + "/policy",
                        fields("max_tokens", "4000"),
                        "max_tokens_action",
                        "max_prompt_tokens",
                        "max_request_bytes",
                        "allowed_parameters",
                        "regions",
                        "rules",
                        "bill_filtered_prompts",
                        "audit_matched_text",
                        "stream_window"),
                put(
                        a + "/tenants/" + TARGET + "/policy/deployments/echo",
                        fields("rules", "[{\"id\":\"r\",\"type\":\"terms\",\"terms\":[\"zz-never-said\"]}]"),
                        "max_tokens",
                        "stream_window",
                        "regions"),
                post(
                        a + "/prices/" + DEPLOYMENT,
                        Who.ADMIN,
                        fields("input_per_1m", "\"0.10\"", "output_per_1m", "\"0.20\""),
                        "cached_input_per_1m",
                        "per_request",
                        "effective_from")));
        for (String prefix : List.of(a + "/tenants/" + TARGET + "/credits", credits)) {
            out.add(post(prefix + "/grants", Who.ADMIN, fields("amount", "\"1.00\""), "expires_at", "note"));
            out.add(post(prefix + "/top-ups", Who.ADMIN, fields("amount", "\"1.00\""), "note"));
            out.add(post(prefix + "/adjustments", Who.ADMIN, fields("amount", "\"-0.01\"", "note", "\"fuzz\"")));
        }
        return out;
    }

    /** GET endpoints and the query parameters they read. */
    static List<Endpoint> reads() {
        String a = "/admin/v1";
        String org = "/v1/organization";
        List<Endpoint> out = new ArrayList<>();
        for (String path : List.of(
                "/v1/models",
                "/v1/models/echo",
                "/openai/v1/models",
                a + "/tenants",
                a + "/tenants/" + TARGET,
                a + "/tenants/" + TARGET + "/keys",
                a + "/keys",
                a + "/keys/" + targetKeyId,
                a + "/deployments",
                a + "/deployments/echo",
                a + "/tenants/" + TARGET + "/limits",
                a + "/tenants/" + TARGET + "/limits/echo",
                a + "/keys/" + targetKeyId + "/limits/echo",
                a + "/policies/default",
                a + "/tenants/" + TARGET + "/policy",
                a + "/prices",
                a + "/prices/echo",
                a + "/tenants/" + TARGET + "/credits",
                org + "/projects/" + TARGET + "/credits")) {
            out.add(new Endpoint(
                    "GET",
                    path,
                    path.startsWith("/v1/models") || path.startsWith("/openai") ? Who.TENANT : Who.ADMIN,
                    Map.of(),
                    List.of()));
        }
        out.add(new Endpoint(
                "GET", a + "/tenants/" + TARGET + "/policy/effective", Who.ADMIN, Map.of(), List.of("deployment")));
        out.add(new Endpoint("GET", a + "/audit", Who.ADMIN, Map.of(), List.of("tenant", "since", "limit")));
        out.add(new Endpoint(
                "GET", a + "/tenants/" + TARGET + "/credits/ledger", Who.ADMIN, Map.of(), List.of("limit")));
        out.add(new Endpoint(
                "GET", org + "/projects/" + TARGET + "/credits/ledger", Who.ADMIN, Map.of(), List.of("limit")));
        List<String> usage = List.of(
                "start_time",
                "end_time",
                "bucket_width",
                "group_by",
                "limit",
                "page",
                "project_ids",
                "models",
                "api_key_ids",
                "format");
        for (String path : List.of(
                org + "/usage/completions",
                org + "/usage/embeddings",
                org + "/usage/records",
                org + "/costs",
                org + "/reconciliation",
                org + "/statements/" + TARGET + "/2020-01")) {
            out.add(new Endpoint("GET", path, Who.ADMIN, Map.of(), usage));
        }
        out.add(new Endpoint("POST", org + "/statements/" + TARGET + "/1999-13/close", Who.ADMIN, Map.of(), List.of()));
        return out;
    }

    // ---------------------------------------------------------------- hostile values

    private static final List<String> NUMBERS = List.of(
            "1e10000000",
            "-1e99999",
            "1e-99999",
            "1E400",
            "-1E400",
            "1000000000000000000",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775809",
            "123456789012345678901234567890",
            "1" + "0".repeat(70),
            "0." + "0".repeat(80) + "1",
            "2147483648",
            "-2147483649",
            "-1",
            "0",
            "-0",
            "0.0000001",
            "1.5",
            "1e2",
            "3.4028235e38",
            "4.9e-324",
            "-0.0",
            "1.0000000000000000000000001",
            "99999999999999.999999",
            "0.1234567");

    private static Arbitrary<String> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.of(NUMBERS),
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf).filter(s -> !s.contains("Infinity") && !s.contains("NaN")));
    }

    private static Arbitrary<String> strings() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(HostileInputFuzzTest::quote),
                Arbitraries.strings()
                        .withChars("\u0000\u0001\u001f\u007f\u2028\ud83d\ude00\ufffe")
                        .ofMaxLength(8)
                        .map(HostileInputFuzzTest::quote),
                Arbitraries.of(
                        "\"\\u0000\"",
                        "\"a\\u0000b\"",
                        "\"\\ud800\"",
                        "\"\\udfff\\ud800\"",
                        "\"\"",
                        "\"1e10000000\"",
                        "\"-1e99999\"",
                        "\"NaN\"",
                        "\"Infinity\"",
                        "\"2.5\"",
                        "\"-0.000001\"",
                        "\"0x10\"",
                        "\" 1 \"",
                        "\"1,000\"",
                        "\"true\"",
                        "\"null\"",
                        "\"echo\"",
                        "\"*\"",
                        "\"admin\"",
                        "\"suspended\"",
                        "\"base64\"",
                        "\"lower\"",
                        "\"regex\"",
                        "\"2020-01\""),
                Arbitraries.oneOf(
                                Arbitraries.integers().between(60, 1_000),
                                Arbitraries.integers().between(1_000, 300_000))
                        .map(n -> quote("x".repeat(n))));
    }

    private static Arbitrary<String> values(int depth) {
        List<Arbitrary<String>> choices =
                new ArrayList<>(List.of(strings(), numbers(), Arbitraries.of("true", "false", "null", "[]", "{}")));
        if (depth > 0) {
            choices.add(values(depth - 1).list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]"));
            choices.add(Combinators.combine(
                            Arbitraries.of(
                                    "role",
                                    "content",
                                    "type",
                                    "text",
                                    "include_usage",
                                    "id",
                                    "terms",
                                    "pattern",
                                    "a",
                                    ""),
                            values(depth - 1))
                    .as((k, v) -> quote(k) + ":" + v)
                    .list()
                    .ofMaxSize(3)
                    .map(l -> "{" + String.join(",", l) + "}"));
        }
        return Arbitraries.oneOf(choices);
    }

    /** A body for {@code e}: its valid body, mutated, or something that is not JSON at all. */
    private static Arbitrary<byte[]> bodies(Endpoint e) {
        Arbitrary<Map<String, String>> mutated = Combinators.combine(
                        Arbitraries.of(names(e)).list().ofMinSize(1).ofMaxSize(3),
                        values(2).list().ofSize(3),
                        Arbitraries.of(true, false))
                .as((names, vals, drop) -> {
                    Map<String, String> m = new LinkedHashMap<>(e.valid());
                    for (int i = 0; i < names.size(); i++) {
                        if (drop && i == 0) {
                            m.remove(names.get(i));
                        } else {
                            m.put(names.get(i), vals.get(i));
                        }
                    }
                    return m;
                });
        Arbitrary<byte[]> json = mutated.map(HostileInputFuzzTest::object).map(HostileInputFuzzTest::utf8);
        Arbitrary<byte[]> bigNumber = Combinators.combine(Arbitraries.of(names(e)), Arbitraries.of(NUMBERS))
                .as((name, n) -> {
                    Map<String, String> m = new LinkedHashMap<>(e.valid());
                    m.put(name, n);
                    return utf8(object(m));
                });
        byte[] valid = utf8(object(e.valid()));
        return Arbitraries.frequencyOf(
                Tuple.of(35, json),
                Tuple.of(20, bigNumber),
                Tuple.of(8, values(3).map(HostileInputFuzzTest::utf8)),
                Tuple.of(
                        8,
                        Arbitraries.integers()
                                .between(0, Math.max(0, valid.length - 1))
                                .map(n -> java.util.Arrays.copyOf(valid, n))),
                Tuple.of(
                        6,
                        Combinators.combine(Arbitraries.integers().between(1, 20_000), Arbitraries.of("[", "{\"a\":"))
                                .as((depth, open) ->
                                        utf8(open.repeat(depth) + "1" + (open.equals("[") ? "]" : "}").repeat(depth)))),
                Tuple.of(
                        6,
                        Arbitraries.integers()
                                .between(0, Math.max(0, valid.length - 1))
                                .map(at -> insert(valid, at, new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, 0}))),
                Tuple.of(
                        4,
                        Arbitraries.of(
                                        "",
                                        " ",
                                        "null",
                                        "[]",
                                        "\"s\"",
                                        "1",
                                        "{",
                                        "}",
                                        "{}{}",
                                        "{\"model\":\"echo\",}",
                                        "{'model':'echo'}",
                                        "{\"a\":NaN}",
                                        "{\"a\":Infinity}",
                                        "\u0000{}",
                                        "\ufeff{}",
                                        "{\"a\":1}\u0000")
                                .map(HostileInputFuzzTest::utf8)),
                Tuple.of(
                        3,
                        Arbitraries.of(
                                new byte[] {(byte) 0xFE, (byte) 0xFF, 0, '{', 0, '}'},
                                new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
                                new byte[] {0, 0, 0, 0})));
    }

    private static List<String> names(Endpoint e) {
        List<String> names = new ArrayList<>(e.valid().keySet());
        names.addAll(e.optional());
        names.add("unknown_field");
        return names;
    }

    private static final List<String> CONTENT_TYPES = List.of(
            "application/json",
            "application/json",
            "application/json; charset=utf-8",
            "json",
            "application",
            "text/plain",
            "application/xml",
            "*/*",
            "application/json; charset=utf-16",
            "application/json; charset=nonsense",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/json;;;",
            "a/b/c",
            "/",
            "application/",
            "/json",
            "application/json; q",
            "application/json, text/plain",
            "APPLICATION/JSON",
            "application/*+json",
            "application/problem+json",
            "text/event-stream",
            "\"/",
            "\"a/b\"",
            "");

    /** Mostly JSON, so most bodies reach the parser. */
    private static Arbitrary<String> contentTypes() {
        return Arbitraries.frequencyOf(
                Tuple.of(75, Arbitraries.just("application/json")),
                Tuple.of(15, Arbitraries.of(CONTENT_TYPES)),
                Tuple.of(10, Arbitraries.strings().withCharRange('!', '~').ofMaxLength(30)));
    }

    /** Extra headers; values are visible ASCII (the client refuses others; the raw property sends those). */
    private static Arbitrary<Map<String, String>> headers() {
        Arbitrary<String> names = Arbitraries.of(
                "Accept",
                "Accept-Encoding",
                "Accept-Charset",
                "Idempotency-Key",
                "X-Request-Id",
                "X-Forwarded-For",
                "X-Forwarded-Host",
                "Forwarded",
                "User-Agent",
                "Range",
                "If-None-Match",
                "Cookie",
                "OpenAI-Organization",
                "OpenAI-Project",
                "X-Stainless-Lang",
                "Prefer",
                "Transfer-Encoding-X",
                "X-Fuzz");
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60).map(String::trim),
                Arbitraries.of(
                        "*/*",
                        "application/json",
                        "text/csv",
                        "json",
                        "a/b/c",
                        ";",
                        "gzip, br, zstd",
                        "bytes=0-1",
                        "text/event-stream",
                        "application/json;q=abc",
                        "*/*;q=-1"),
                Arbitraries.integers().between(200, 6000).map("k"::repeat));
        return Arbitraries.maps(names, values).ofMaxSize(3);
    }

    // ---------------------------------------------------------------- the properties

    @Property(tries = 600, shrinking = ShrinkingMode.OFF)
    void inferenceEndpointsNeverAnswer5xx(@ForAll("inferenceCalls") Call call) throws Exception {
        call.check();
    }

    @Property(tries = 600, shrinking = ShrinkingMode.OFF)
    void adminAndBillingEndpointsNeverAnswer5xx(@ForAll("adminCalls") Call call) throws Exception {
        call.check();
    }

    @Property(tries = 300, shrinking = ShrinkingMode.OFF)
    void readsWithHostileQueriesNeverAnswer5xx(@ForAll("readCalls") Call call) throws Exception {
        call.check();
    }

    @Property(tries = 200, shrinking = ShrinkingMode.OFF)
    void requestsThatAreNotValidHttpGetOpenAiShapedRefusals(@ForAll("rawRequests") RawRequest request)
            throws Exception {
        request.check();
    }

    @Provide
    Arbitrary<Call> inferenceCalls() {
        return calls(inference());
    }

    @Provide
    Arbitrary<Call> adminCalls() {
        return calls(adminWrites());
    }

    private static Arbitrary<Call> calls(List<Endpoint> endpoints) {
        return Arbitraries.of(endpoints)
                .flatMap(e -> Combinators.combine(
                                bodies(e),
                                contentTypes(),
                                headers(),
                                Arbitraries.frequencyOf(
                                        Tuple.of(90, Arbitraries.just(e.method())),
                                        Tuple.of(10, Arbitraries.of("PUT", "DELETE", "GET", "PATCH"))))
                        .as((body, type, headers, method) -> new Call(method, e.path(), e.who(), body, type, headers)));
    }

    @Provide
    Arbitrary<Call> readCalls() {
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of(NUMBERS),
                Arbitraries.strings().ofMaxLength(30),
                Arbitraries.of(
                        "",
                        "1d",
                        "1h",
                        "1m",
                        "7d",
                        "project_id",
                        "model,line_item",
                        "csv",
                        "echo",
                        TARGET,
                        "2020-01",
                        "MQ",
                        "!!!",
                        "%",
                        "1700000000",
                        "-1700000000",
                        "31556889864403199",
                        "99999999999999999",
                        "253402300799",
                        "253402300800",
                        "+1000000000-12-31T23:59:59Z",
                        "-999999999-01-01T00:00:00Z",
                        "2020-01-01T00:00:00Z",
                        "1e3",
                        "0x10",
                        " 1"));
        Arbitrary<String> segment = Arbitraries.oneOf(
                Arbitraries.strings().ofMinLength(1).ofMaxLength(20),
                Arbitraries.of(
                        "x".repeat(300),
                        "x".repeat(3000),
                        "\u00e9",
                        "..",
                        ".",
                        " ",
                        "a b",
                        "\u0000",
                        "*",
                        "'; drop table tenant; --",
                        "%",
                        "%00",
                        "demo",
                        "echo",
                        "2020-13",
                        "0000-00"));
        return Arbitraries.of(reads())
                .flatMap(e -> Combinators.combine(
                                e.optional().isEmpty()
                                        ? Arbitraries.just(Map.<String, String>of())
                                        : Arbitraries.maps(Arbitraries.of(e.optional()), value)
                                                .ofMaxSize(5),
                                headers(),
                                Arbitraries.of(e.method(), e.method(), "HEAD"),
                                Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just("")), Tuple.of(1, segment)))
                        .as((query, headers, method, name) ->
                                new Call(method, rename(e.path(), name) + query(query), e.who(), null, null, headers)));
    }

    /** The path with its tenant, key or period replaced by {@code name} (URL-encoded), or as it is. */
    private static String rename(String path, String name) {
        if (name.isEmpty()) {
            return path;
        }
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return path.replace(TARGET, encoded)
                .replace(targetKeyId, encoded)
                .replace("2020-01", encoded)
                .replace("/echo", "/" + encoded);
    }

    /** One request through the HTTP client. */
    record Call(String method, String path, Who who, byte[] body, String contentType, Map<String, String> headers) {

        void check() throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(30))
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body))
                    .header("Authorization", "Bearer " + (who == Who.ADMIN ? ADMIN_KEY : tenantKey));
            if (contentType != null && !contentType.isEmpty()) {
                b.header("Content-Type", contentType);
            }
            headers.forEach(b::header);
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            assertAnswer(
                    r.statusCode(),
                    r.headers().firstValue("content-type").orElse(""),
                    r.body(),
                    "HEAD".equals(method),
                    this);
        }

        @Override
        public String toString() {
            String text = body == null ? "" : new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
            return method + " " + path + " [" + contentType + "] " + headers.keySet() + " " + text;
        }
    }

    // ---------------------------------------------------------------- requests that are not valid HTTP

    @Provide
    Arbitrary<RawRequest> rawRequests() {
        Arbitrary<String> methods = Arbitraries.of(
                "GET",
                "POST",
                "HEAD",
                "PUT",
                "DELETE",
                "OPTIONS",
                "PATCH",
                "TRACE",
                "CONNECT",
                "FOO",
                "get",
                "G\u00c9T",
                "",
                "GET GET",
                "PROPFIND",
                "M-SEARCH",
                "BREW");
        Arbitrary<String> paths = Arbitraries.of(
                "/v1/models",
                "/v1/chat/completions",
                "/v1/embeddings",
                "/admin/v1/tenants",
                "/v1/organization/costs",
                "/nothing",
                "*",
                "",
                "//",
                "/v1/models?%",
                "/v1/models?a=%zz",
                "http://example.com/v1/models",
                "/v1/models#frag",
                "/%",
                "/%00",
                "/v1/../admin",
                "/v1/models/" + "x".repeat(9000),
                "/\u00e9",
                "/v1/models?" + "a".repeat(5000));
        Arbitrary<String> versions = Arbitraries.of(
                "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "http/1.1", "HTTP/1", "", "HTTP/1.1 extra");
        Arbitrary<String> headerLines = Arbitraries.of(
                        "Accept: */*",
                        "Content-Type: json",
                        "Content-Type: application/json",
                        "X-No-Colon",
                        " Folded: line",
                        "X-Fold: a\r\n b",
                        "Bad Name: v",
                        "X-Nul: a\u0000b",
                        "X-Ctl: \u0001",
                        "X-Latin: \u00e9",
                        ": empty-name",
                        "Content-Length: 5",
                        "Content-Length: -1",
                        "Content-Length: abc",
                        "Content-Length: 99999999999999999999",
                        "Transfer-Encoding: gzip",
                        "Transfer-Encoding: chunked, gzip",
                        "Expect: 100-continue",
                        "Expect: nonsense",
                        "X-Long: " + "v".repeat(9000),
                        "Host: a",
                        "Host: a:b:c",
                        "api-key: " + "k".repeat(300),
                        "Authorization: Basic !!!",
                        "Authorization: Bearer",
                        "Upgrade: h2c",
                        "Connection: Upgrade, HTTP2-Settings",
                        "X-Many: 1")
                .list()
                .ofMaxSize(4)
                .map(l -> String.join("\r\n", l));
        Arbitrary<String> framing =
                Arbitraries.of("length", "length", "chunked", "bad-chunk", "none", "two-lengths", "length-and-chunked");
        Arbitrary<String> bodyText = Arbitraries.of(
                "",
                "{}",
                "{\"model\":\"echo\",\"messages\":[]}",
                "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}",
                "{",
                "\u0000\u0001");
        return Combinators.combine(methods, paths, versions, headerLines, framing, bodyText)
                .as(RawRequest::new);
    }

    /** One request written on a socket, read back by a minimal HTTP/1.1 reader. */
    record RawRequest(String method, String path, String version, String headers, String framing, String body) {

        void check() throws IOException {
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(method + " " + path + (version.isEmpty() ? "" : " " + version)
                    + "\r\nHost: gateway\r\nAuthorization: Bearer " + ADMIN_KEY + "\r\nConnection: close\r\n");
            if (!headers.isEmpty()) {
                head.append(headers).append("\r\n");
            }
            byte[] payload = switch (framing) {
                case "length" -> {
                    head.append("Content-Length: ").append(content.length).append("\r\n");
                    yield content;
                }
                case "two-lengths" -> {
                    head.append("Content-Length: ")
                            .append(content.length)
                            .append("\r\nContent-Length: ")
                            .append(content.length + 1)
                            .append("\r\n");
                    yield content;
                }
                case "length-and-chunked" -> {
                    head.append("Content-Length: ").append(content.length).append("\r\nTransfer-Encoding: chunked\r\n");
                    yield chunked(content);
                }
                case "chunked" -> {
                    head.append("Transfer-Encoding: chunked\r\n");
                    yield chunked(content);
                }
                case "bad-chunk" -> {
                    head.append("Transfer-Encoding: chunked\r\n");
                    yield "ZZ\r\nabc\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                }
                default -> new byte[0];
            };
            head.append("\r\n");
            try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)))) {
                socket.setSoTimeout(20_000);
                OutputStream out = socket.getOutputStream();
                try {
                    out.write(head.toString().getBytes(StandardCharsets.UTF_8));
                    out.write(payload);
                    out.flush();
                } catch (IOException closedEarly) {
                    // the server refused and closed before the whole request was written: read its answer
                }
                RawAnswer answer = RawAnswer.read(socket.getInputStream(), "HEAD".equals(method));
                if (answer == null) {
                    return; // closed without an answer (the request was abandoned): no 5xx, nothing to check
                }
                assertAnswer(answer.status(), answer.contentType(), answer.body(), "HEAD".equals(method), this);
            }
        }

        private static byte[] chunked(byte[] content) {
            String hex = Integer.toHexString(content.length);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            if (content.length > 0) {
                b.writeBytes((hex + "\r\n").getBytes(StandardCharsets.US_ASCII));
                b.writeBytes(content);
                b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            b.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return b.toByteArray();
        }

        @Override
        public String toString() {
            String h = headers.length() > 200 ? headers.substring(0, 200) + "..." : headers;
            String p = path.length() > 100 ? path.substring(0, 100) + "..." : path;
            return method + " " + p + " " + version + " | " + h.replace("\r\n", " | ") + " | " + framing + " | " + body;
        }
    }

    record RawAnswer(int status, String contentType, byte[] body) {

        /** The first final answer, or null when the connection closed before a status line. */
        static RawAnswer read(InputStream in, boolean head) throws IOException {
            while (true) {
                String status = line(in);
                if (status == null || status.isEmpty()) {
                    return null;
                }
                int code = Integer.parseInt(status.split(" ")[1]);
                Map<String, String> headers = new LinkedHashMap<>();
                for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
                    int colon = l.indexOf(':');
                    headers.put(
                            l.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            l.substring(colon + 1).trim());
                }
                if (code < 200) {
                    continue; // 100 Continue: the final answer follows
                }
                byte[] body;
                if (head || code == 204 || code == 304) {
                    body = new byte[0];
                } else if (headers.containsKey("content-length")) {
                    body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
                } else if (headers.getOrDefault("transfer-encoding", "").contains("chunked")) {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    for (int n = Integer.parseInt(line(in).trim(), 16);
                            n > 0;
                            n = Integer.parseInt(line(in).trim(), 16)) {
                        b.writeBytes(in.readNBytes(n));
                        line(in);
                    }
                    body = b.toByteArray();
                } else {
                    body = in.readAllBytes(); // Connection: close delimits it
                }
                return new RawAnswer(code, headers.getOrDefault("content-type", ""), body);
            }
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c = in.read(); c != -1; c = in.read()) {
                if (c == '\n') {
                    String s = b.toString(StandardCharsets.ISO_8859_1);
                    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
                }
                b.write(c);
            }
            return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
        }
    }

    // ---------------------------------------------------------------- the oracle

    /** Never a 5xx; every error that may have a body has OpenAI's shape. */
    static void assertAnswer(int status, String contentType, byte[] body, boolean head, Object request) {
        String text = new String(body, StandardCharsets.UTF_8);
        String shown = text.length() > 500 ? text.substring(0, 500) : text;
        assertThat(status).as("%s -> %d %s", request, status, shown).isLessThan(500);
        if (status < 400 || head) {
            return;
        }
        assertThat(contentType).as("%s -> %d %s", request, status, shown).startsWith("application/json");
        JsonNode error = JSON.readTree(body).get("error");
        assertThat(error).as("%s -> %d %s", request, status, shown).isNotNull();
        assertThat(error.get("message").isString()
                        && !error.get("message").asString().isBlank())
                .as("%s -> %s", request, shown)
                .isTrue();
        assertThat(error.has("type") && error.has("param") && error.has("code"))
                .as("%s -> %s", request, shown)
                .isTrue();
        assertThat(text).as("%s", request).doesNotContain("Exception").doesNotContain("\tat ");
    }

    // ---------------------------------------------------------------- helpers

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static String object(Map<String, String> fields) {
        List<String> parts = new ArrayList<>();
        fields.forEach((k, v) -> parts.add(quote(k) + ":" + v));
        return "{" + String.join(",", parts) + "}";
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] insert(byte[] into, int at, byte[] what) {
        byte[] out = new byte[into.length + what.length];
        System.arraycopy(into, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(into, at, out, at + what.length, into.length - at);
        return out;
    }

    private static String query(Map<String, String> params) {
        if (params.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        params.forEach((k, v) -> parts.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return "?" + String.join("&", parts);
    }
}
