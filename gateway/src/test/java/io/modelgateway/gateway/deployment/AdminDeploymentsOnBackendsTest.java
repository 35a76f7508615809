package io.modelgateway.gateway.deployment;

import static io.modelgateway.gateway.AdminClient.error;
import static org.assertj.core.api.Assertions.assertThat;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.modelgateway.inference.BackendPool;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Admin-defined deployments on named backends of {@code gateway.backends}: one on a Triton pool shares the
 * configured deployments' pool (and deleting it leaves that pool alone), one on an OpenAI-compatible upstream
 * is proxied, and the checks a configured deployment passes (layout conflicts, kinds an upstream cannot serve)
 * hold for them too.
 */
class AdminDeploymentsOnBackendsTest extends FleetTestBase {

    @Autowired
    Deployments deployments;

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private ChatCompletion chat(String model) {
        return openAi().chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model(model)
                        .addUserMessage("hello fleet")
                        .maxCompletionTokens(20)
                        .build());
    }

    @Test
    void deploymentOnANamedPoolSharesItAndDeletingItLeavesThePoolToTheOthers() {
        Map<String, BackendPool> poolsBefore = deployments.pools();
        BackendPool fleet = poolsBefore.get("fleet");
        String name = unique("fleet-admin");
        admin().expect(
                        201,
                        "POST",
                        "/deployments",
                        "{\"name\":\"" + name + "\",\"backend\":\"fleet\","
                                + "\"model\":\"echo\",\"chat_template\":\"plain\"}");

        assertThat(deployments.require(name).backend()).isSameAs(fleet);
        assertThat(deployments.require("fleet-chat").backend()).isSameAs(fleet);
        assertThat(deployments.pools()).as("no pool of its own").isEqualTo(poolsBefore);
        assertThat(chat(name).choices().get(0).message().content()).hasValue("user: hello fleet assistant:");

        admin().expect(200, "DELETE", "/deployments/" + name, null);
        // the same pools, the same instances: none was built for it, so none is retired (closed) for its deletion
        assertThat(deployments.pools()).isEqualTo(poolsBefore);
        assertThat(deployments.pools().get("fleet")).isSameAs(fleet);
        assertThat(chat("fleet-chat").choices().get(0).message().content()).hasValue("user: hello fleet assistant:");
    }

    @Test
    void layoutConflictingWithAConfiguredDeploymentOfTheSameModelIsRefused() {
        String name = unique("fleet-vllm");
        var e = error(
                admin().send(
                                "POST",
                                "/deployments",
                                "{\"name\":\"" + name + "\",\"backend\":\"fleet\","
                                        + "\"model\":\"echo\",\"layout\":\"ensemble\"}"),
                400,
                "invalid_value");
        assertThat(e.get("param").asString()).isEqualTo("layout");
        assertThat(e.get("message").asString()).contains("fleet-chat");
        assertThat(deployments.definition(name)).isEmpty();
    }

    @Test
    void deploymentOnAnOpenAiCompatibleUpstreamIsProxied() {
        String name = unique("up-admin");
        var e = error(
                admin().send(
                                "POST",
                                "/deployments",
                                "{\"name\":\"" + name + "\",\"kind\":\"embeddings\","
                                        + "\"backend\":\"upstream\",\"model\":\"fake-model\"}"),
                400,
                "invalid_value");
        assertThat(e.get("param").asString()).isEqualTo("backend");

        admin().expect(
                        201,
                        "POST",
                        "/deployments",
                        "{\"name\":\"" + name + "\",\"backend\":\"upstream\"," + "\"model\":\"fake-model\"}");
        assertThat(deployments.require(name).proxied()).isTrue();
        ChatCompletion c = chat(name);
        assertThat(c.choices()).hasSize(1);
        assertThat(c.usage()).isPresent();
        admin().expect(200, "DELETE", "/deployments/" + name, null);
    }
}
