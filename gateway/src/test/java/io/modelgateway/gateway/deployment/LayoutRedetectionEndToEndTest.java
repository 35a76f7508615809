package io.modelgateway.gateway.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.modelgateway.inference.BackendPool;
import io.modelgateway.modelserver.ModelServer;
import java.time.Duration;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A deployment with {@code layout: auto} whose model goes away and comes back with other tensors (vLLM backend,
 * then a TensorRT-LLM ensemble under the same name): the gateway reads the layout again when the model is ready
 * again ({@code deployment.internal.LayoutWatcher}), and calls work with the new tensors.
 */
class LayoutRedetectionEndToEndTest extends FleetTestBase {

    @Autowired
    Deployments deployments;

    private boolean answers() {
        try {
            return openAi().chat()
                    .completions()
                    .create(ChatCompletionCreateParams.builder()
                            .model("relayout-chat")
                            .addUserMessage("hello again")
                            .maxCompletionTokens(5)
                            .build())
                    .choices()
                    .get(0)
                    .message()
                    .content()
                    .filter(c -> !c.isBlank())
                    .isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    void aModelRedeployedWithOtherTensorsIsReadAgainWhenItIsReadyAgain() throws Exception {
        assertThat(answers()).as("on the vLLM layout").isTrue();
        BackendPool pool =
                Objects.requireNonNull(deployments.require("relayout-chat").backend(), "a Triton pool");

        RELAYOUT.close();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !pool.modelReady("echo").get());
        // The watcher looks every 2 s: the model stays away for longer, so it is seen unready.
        await().during(Duration.ofMillis(2500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> !pool.modelReady("echo").get());

        ModelServer redeployed = await().atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(
                        () -> ModelServer.builder()
                                .port(RELAYOUT_PORT)
                                .embeddings(false)
                                .echoAsEnsemble(true)
                                .start(),
                        Objects::nonNull);
        try {
            await("calls on the ensemble's tensors")
                    .atMost(Duration.ofSeconds(20))
                    .until(this::answers);
        } finally {
            redeployed.close();
        }
    }
}
