package io.modelgateway.gateway.deployment;

import static io.modelgateway.gateway.AdminClient.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.openai.client.OpenAIClient;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.modelgateway.gateway.AdminClient;
import io.modelgateway.gateway.GatewayTestBase;
import io.modelgateway.gateway.metering.Scrape;
import io.modelgateway.inference.BackendPool;
import io.modelgateway.modelserver.ModelServer;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Deployments defined through the admin API against a real model server the test starts (gRPC on loopback),
 * called with the official openai-java SDK: define, call, replace (template, token limits), delete; the
 * validation that refuses broken definitions without creating anything; tenant access; quota defaults; and
 * the pool of a removed deployment being closed.
 */
class AdminDefinedDeploymentsTest extends GatewayTestBase {

    /** Started by the test, known to the gateway only through the admin API. */
    static final ModelServer SERVER =
            ModelServer.builder().port(0).embeddings(false).start();

    @Autowired
    Deployments deployments;

    @AfterAll
    static void stopServer() {
        SERVER.close();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static ChatCompletionCreateParams chat(String model, String text, @Nullable Long maxTokens) {
        var b = ChatCompletionCreateParams.builder().model(model).addUserMessage(text);
        return (maxTokens == null ? b : b.maxCompletionTokens(maxTokens)).build();
    }

    private String definition(String name, String extra) {
        return "{\"name\":\"" + name + "\",\"backend\":\"" + SERVER.target() + "\",\"model\":\"echo\""
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    @Test
    void definedDeploymentIsServedReplacedWithoutRestartAndDeleted() {
        String name = unique("adm");
        JsonNode created = admin().expect(
                        201,
                        "POST",
                        "/deployments",
                        definition(
                                name,
                                "\"chat_template\":\"plain\",\"default_max_tokens\":50,\"max_tokens_limit\":100,\"first_token_timeout\":\"5s\""));
        assertThat(created.get("source").asString()).isEqualTo("admin");
        assertThat(created.get("chat_template").asString()).isEqualTo("plain");
        assertThat(created.get("first_token_timeout").asString()).isEqualTo("5s");
        assertThat(created.get("request_timeout").asString()).isEqualTo("600s");
        assertThat(created.get("token_encoding").asString()).isEqualTo("cl100k_base");
        assertThat(created.get("layout").asString()).isEqualTo("auto");

        ChatCompletion c = openAi().chat().completions().create(chat(name, "hello there gateway", null));
        assertThat(c.model()).isEqualTo(name);
        assertThat(c.choices().get(0).message().content()).hasValue("user: hello there gateway assistant:");
        // The readiness probe covers deployments defined after start too (their gauge appears with them).
        await().atMost(Duration.ofSeconds(40))
                .until(
                        () -> Scrape.of(managementUrl()),
                        s -> s.sum("gateway_backend_ready", Map.of("deployment", name)) == 1);

        // Replace: another template, and token limits of 2 (default) and 3 (largest).
        admin().expect(
                        200,
                        "PUT",
                        "/deployments/" + name,
                        "{\"backend\":\"" + SERVER.target() + "\",\"model\":"
                                + "\"echo\",\"chat_template\":\"{% for m in messages %}said {{ m.content }}{% endfor %}\","
                                + "\"default_max_tokens\":2,\"max_tokens_limit\":3}");
        ChatCompletion replaced = openAi().chat().completions().create(chat(name, "hello there gateway", null));
        assertThat(replaced.choices().get(0).message().content()).hasValue("said hello");
        assertThat(replaced.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThatThrownBy(() -> openAi().chat().completions().create(chat(name, "hello", 4L)))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("at most 3");

        JsonNode got = admin().expect(200, "GET", "/deployments/" + name, null);
        assertThat(got.get("max_tokens_limit").asInt()).isEqualTo(3);
        assertThat(got.get("chat_template").asString()).startsWith("{% for m in messages %}said");
        JsonNode list = admin().expect(200, "GET", "/deployments", null).get("data");
        assertThat(list.valueStream()
                        .filter(d -> d.get("id").asString().equals("echo"))
                        .findFirst()
                        .orElseThrow()
                        .get("source")
                        .asString())
                .isEqualTo("configuration");
        assertThat(list.valueStream().anyMatch(d -> d.get("id").asString().equals(name)))
                .isTrue();

        JsonNode deleted = admin().expect(200, "DELETE", "/deployments/" + name, null);
        assertThat(deleted.get("deleted").asBoolean()).isTrue();
        assertThatThrownBy(() -> openAi().chat().completions().create(chat(name, "hello", null)))
                .isInstanceOf(NotFoundException.class);
        error(admin().send("GET", "/deployments/" + name, null), 404, "not_found");
        error(admin().send("DELETE", "/deployments/" + name, null), 404, "not_found");
    }

    @Test
    void brokenDefinitionsAreRefusedNamingTheFieldAndCreateNothing() {
        String name = unique("bad");
        AdminClient admin = admin();
        assertThat(error(
                                admin.send(
                                        "POST",
                                        "/deployments",
                                        "{\"name\":\"" + name
                                                + "\",\"backend\":\"no-such-backend\",\"model\":\"echo\"}"),
                                400,
                                "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("backend");
        assertThat(error(
                                admin.send(
                                        "POST",
                                        "/deployments",
                                        definition(name, "\"chat_template\":\"{% for m in %}\"")),
                                400,
                                "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("chat_template");
        assertThat(error(
                                admin.send("POST", "/deployments", definition(name, "\"layout\":\"diagonal\"")),
                                400,
                                "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("layout");
        assertThat(error(
                                admin.send("POST", "/deployments", definition(name, "\"token_encoding\":\"rot13\"")),
                                400,
                                "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("token_encoding");
        assertThat(error(
                                admin.send(
                                        "POST",
                                        "/deployments",
                                        definition(name, "\"default_max_tokens\":50,\"max_tokens_limit\":10")),
                                400,
                                "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("default_max_tokens");
        assertThat(error(
                                admin.send("POST", "/deployments", definition(name, "\"max_tokens_limit\":0")),
                                400,
                                "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("max_tokens_limit");
        assertThat(error(
                                admin.send("POST", "/deployments", definition(name, "\"idle_timeout\":\"soon\"")),
                                400,
                                "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("idle_timeout");
        assertThat(error(
                                admin.send(
                                        "POST",
                                        "/deployments",
                                        "{\"name\":\"" + name + "\",\"backend\":\"" + SERVER.target() + "\"}"),
                                400,
                                "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("model");
        assertThat(error(
                                admin.send("POST", "/deployments", definition(name, "\"colour\":\"blue\"")),
                                400,
                                "unknown_parameter")
                        .get("param")
                        .asString())
                .isEqualTo("colour");
        assertThat(error(admin.send("POST", "/deployments", definition("a/b", "")), 400, "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("name");
        assertThat(error(
                                admin.send("POST", "/deployments", definition(name, "\"tenants\":[\"nobody-at-all\"]")),
                                400,
                                "invalid_value")
                        .get("param")
                        .asString())
                .isEqualTo("tenants");
        error(admin.send("GET", "/deployments/" + name, null), 404, "not_found");
        assertThat(deployments.definition(name)).isEmpty();

        // A configured name can be neither shadowed, replaced nor deleted.
        assertThat(error(admin.send("POST", "/deployments", definition("echo", "")), 409, "configured_deployment")
                        .get("param")
                        .asString())
                .isEqualTo("name");
        error(admin.send("PUT", "/deployments/echo", definition("echo", "")), 409, "configured_deployment");
        error(admin.send("DELETE", "/deployments/echo", null), 409, "configured_deployment");
        assertThat(admin.expect(200, "GET", "/deployments/echo", null)
                        .get("source")
                        .asString())
                .isEqualTo("configuration");

        // A name taken by an admin-defined deployment: 409; replacing one that does not exist: 404.
        admin.expect(201, "POST", "/deployments", definition(name, ""));
        error(admin.send("POST", "/deployments", definition(name, "")), 409, "already_exists");
        String none = unique("none");
        error(admin.send("PUT", "/deployments/" + none, definition(none, "")), 404, "not_found");
        // A broken replacement leaves the deployment as it was.
        error(
                admin.send("PUT", "/deployments/" + name, definition(name, "\"chat_template\":\"{% if %}\"")),
                400,
                "invalid_value");
        assertThat(deployments.definition(name).orElseThrow().settings().chatTemplate())
                .isEqualTo("chatml");
        admin.expect(200, "DELETE", "/deployments/" + name, null);
    }

    @Test
    void onlyTheTenantsGivenMayUseAnAdminDefinedDeployment() {
        String name = unique("private");
        String allowed = unique("allowed");
        String other = unique("other");
        admin().createTenant(allowed);
        admin().createTenant(other);
        String allowedKey = admin().issueKey(allowed);
        String otherKey = admin().issueKey(other);

        JsonNode created = admin().expect(
                        201,
                        "POST",
                        "/deployments",
                        definition(name, "\"chat_template\":\"plain\",\"tenants\":[\"" + allowed + "\"]"));
        assertThat(created.get("tenants").get(0).asString()).isEqualTo(allowed);

        OpenAIClient allowedClient = openAi(allowedKey);
        assertThat(allowedClient
                        .chat()
                        .completions()
                        .create(chat(name, "hi", null))
                        .choices()
                        .get(0)
                        .message()
                        .content())
                .hasValue("user: hi assistant:");
        assertThatThrownBy(() -> openAi(otherKey).chat().completions().create(chat(name, "hi", null)))
                .isInstanceOf(NotFoundException.class);

        admin().expect(200, "PUT", "/deployments/" + name + "/tenants", "{\"tenants\":[\"" + other + "\"]}");
        assertThat(openAi(otherKey)
                        .chat()
                        .completions()
                        .create(chat(name, "hi", null))
                        .choices())
                .hasSize(1);
        assertThatThrownBy(() -> allowedClient.chat().completions().create(chat(name, "hi", null)))
                .isInstanceOf(NotFoundException.class);

        // Deleting forgets the access: a deployment defined again by that name starts with no tenants.
        admin().expect(200, "DELETE", "/deployments/" + name, null);
        JsonNode again = admin().expect(201, "POST", "/deployments", definition(name, ""));
        assertThat(again.get("tenants").isEmpty()).isTrue();
        assertThatThrownBy(() -> openAi(otherKey).chat().completions().create(chat(name, "hi", null)))
                .isInstanceOf(NotFoundException.class);
        admin().expect(200, "DELETE", "/deployments/" + name, null);
    }

    @Test
    void rpmDefaultOfAnAdminDefinedDeploymentIsEnforced() {
        String name = unique("limited");
        admin().expect(201, "POST", "/deployments", definition(name, "\"rpm\":2"));
        openAi().chat().completions().create(chat(name, "one", 5L));
        openAi().chat().completions().create(chat(name, "two", 5L));
        assertThatThrownBy(() -> openAi().chat().completions().create(chat(name, "three", 5L)))
                .isInstanceOf(RateLimitException.class);
        admin().expect(200, "DELETE", "/deployments/" + name, null);
    }

    @Test
    void poolOfARemovedDeploymentIsClosedWhileASharedPoolStays() throws InterruptedException {
        try (ModelServer own = ModelServer.builder().port(0).embeddings(false).start()) {
            String a = unique("own-a");
            String b = unique("own-b");
            String body = "\"backend\":\"" + own.target() + "\",\"model\":\"echo\"";
            admin().expect(201, "POST", "/deployments", "{\"name\":\"" + a + "\"," + body + "}");
            admin().expect(201, "POST", "/deployments", "{\"name\":\"" + b + "\"," + body + "}");
            BackendPool pool = Objects.requireNonNull(deployments.pools().get(own.target()), "the shared pool");
            assertThat(deployments.require(a).backend())
                    .isSameAs(pool)
                    .isSameAs(deployments.require(b).backend());
            openAi().chat().completions().create(chat(a, "warm", 5L));

            admin().expect(200, "DELETE", "/deployments/" + a, null);
            assertThat(deployments.pools().get(own.target()))
                    .as("still used by " + b)
                    .isSameAs(pool);
            assertThat(openAi().chat()
                            .completions()
                            .create(chat(b, "still here", 5L))
                            .choices())
                    .hasSize(1);

            admin().expect(200, "DELETE", "/deployments/" + b, null);
            assertThat(deployments.pools()).doesNotContainKey(own.target());
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(pool.replicas())
                            .as("the unused pool is closed")
                            .isEmpty());
        }
    }
}
