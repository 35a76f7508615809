package io.modelgateway.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelgateway.gateway.GatewayTestBase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Every way a call ends reaches the pipeline once, with the tokens it consumed. */
class PipelineEndToEndTest extends GatewayTestBase {

    @Autowired
    RecordedCalls recorded;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpRequest chat(String deployment, boolean stream) {
        String body = "{\"model\":\"" + deployment + "\",\"stream\":" + stream
                + ",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"one two three four five six seven eight\"}]}";
        return HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private RecordedCalls.Ended ended(String requestId) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> recorded.get(requestId), e -> e != null);
    }

    @Test
    void aCompletedCallCarriesTheBackendsUsage() throws Exception {
        HttpResponse<String> response = http.send(chat("echo", false), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        RecordedCalls.Ended e =
                ended(response.headers().firstValue("x-request-id").orElseThrow());
        assertThat(e.result().outcome()).isEqualTo(Outcome.COMPLETED);
        assertThat(e.call().forwarded()).isTrue();
        assertThat(e.call().tenant()).isNotNull();
        assertThat(e.call().operation()).isEqualTo(Operation.CHAT);
        assertThat(e.call().promptTokens()).isPositive();
        assertThat(e.call().requestBytes())
                .isEqualTo(response.request().bodyPublisher().orElseThrow().contentLength());
        assertThat(e.call().firstTokenAt()).isNotNull();
        assertThat(e.result().usage().estimated()).isFalse();
        assertThat(e.result().usage().completionTokens()).isPositive();
        assertThat(response.body())
                .contains("\"completion_tokens\":" + e.result().usage().completionTokens() + ",")
                .contains("\"prompt_tokens\":" + e.result().usage().promptTokens() + ",");
    }

    @Test
    void aStreamTheClientLeavesIsCutShortWithWhatWasGenerated() throws Exception {
        HttpResponse<java.io.InputStream> response =
                http.send(chat("slow-tokens", true), HttpResponse.BodyHandlers.ofInputStream());
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            int deltas = 0;
            while (deltas < 3) {
                String line = reader.readLine();
                if (line.contains("\"content\"")) {
                    deltas++;
                }
            }
        }
        RecordedCalls.Ended e = ended(requestId);
        assertThat(e.result().outcome()).isEqualTo(Outcome.CUT_SHORT);
        assertThat(e.result().usage().completionTokens()).isBetween(2, 9);
        // counted by the backend (num_input_tokens, num_output_tokens per response), not estimated here
        assertThat(e.result().usage().estimated()).isFalse();
    }

    @Test
    void aBackendThatNeverAnswersFailsTheCall() throws Exception {
        HttpResponse<String> response = http.send(chat("slow-start", false), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(504);
        RecordedCalls.Ended e =
                ended(response.headers().firstValue("x-request-id").orElseThrow());
        assertThat(e.result().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(e.result().status()).isEqualTo(504);
        assertThat(e.result().usage().completionTokens()).isZero();
    }
}
