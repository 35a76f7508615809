package io.modelgateway.gateway.metering.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelgateway.gateway.GatewayTestBase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** One access-log line per request, with the call's facts, and never a key, a prompt or a completion. */
@ExtendWith(OutputCaptureExtension.class)
class AccessLogTest extends GatewayTestBase {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> chat(String key, String words, boolean stream) throws Exception {
        String body = "{\"model\":\"echo\",\"stream\":" + stream + ",\"max_tokens\":50,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + words + "\"}]}";
        return http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String lineOf(CapturedOutput output, String requestId) {
        return await().atMost(Duration.ofSeconds(5))
                .until(
                        () -> output.getOut()
                                .lines()
                                .filter(l -> l.contains("access request_id=" + requestId))
                                .findFirst()
                                .orElse(null),
                        l -> l != null);
    }

    private static String id(HttpResponse<?> r) {
        return r.headers().firstValue("x-request-id").orElseThrow();
    }

    @Test
    void aCompletedCallIsOneLineWithItsFactsAndNoSecrets(CapturedOutput output) throws Exception {
        String secret = "zebra" + UUID.randomUUID().toString().replace("-", "");
        HttpResponse<String> r = chat(KEY, "confidential " + secret + " words", false);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains(secret); // the echo model repeats the prompt: the completion holds it too

        String line = lineOf(output, id(r));
        assertThat(line)
                .contains(
                        " method=POST",
                        " path=/v1/chat/completions",
                        " status=200",
                        " tenant=demo",
                        " deployment=echo",
                        " operation=chat",
                        " outcome=completed",
                        " stream=false",
                        " prompt_tokens=",
                        " completion_tokens=",
                        " ttft_ms=",
                        " duration_ms=",
                        " credential=");
        assertThat(output.getAll().lines().filter(l -> l.contains("request_id=" + id(r))))
                .hasSize(1);
        assertThat(output.getAll()).doesNotContain(secret).doesNotContain(KEY).doesNotContain("confidential");
    }

    @Test
    void aStreamIsLoggedWhenItEnds(CapturedOutput output) throws Exception {
        String secret = "yak" + UUID.randomUUID().toString().replace("-", "");
        HttpResponse<String> r = chat(KEY, "stream " + secret, true);
        assertThat(r.body()).contains(secret);

        String line = lineOf(output, id(r));
        assertThat(line).contains(" status=200", " stream=true", " outcome=completed", " ttft_ms=");
        assertThat(output.getAll()).doesNotContain(secret).doesNotContain(KEY);
    }

    @Test
    void requestsThatAreNoCallsAreLoggedToo(CapturedOutput output) throws Exception {
        String badKey = "sk-wrong-" + UUID.randomUUID();
        HttpResponse<String> unauthorized = chat(badKey, "hello", false);
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        // (an unknown path is 404 only with a valid credential; without one, 401 like any undeclared path)
        HttpResponse<String> missing = http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/no/such/path"))
                        .header("api-key", KEY)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);

        assertThat(lineOf(output, id(unauthorized)))
                .contains(" status=401", " path=/v1/chat/completions")
                .doesNotContain("tenant=");
        assertThat(lineOf(output, id(missing))).contains(" status=404", " method=GET", " path=/no/such/path");
        assertThat(output.getAll()).doesNotContain(badKey);
    }

    @Test
    void aFailedCallCarriesItsOutcomeAndErrorCode(CapturedOutput output) throws Exception {
        String body =
                "{\"model\":\"unreachable\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpResponse<String> failed = http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                        .header("api-key", KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(failed.statusCode()).isEqualTo(503);
        assertThat(lineOf(output, id(failed)))
                .contains(" status=503", " deployment=unreachable", " outcome=failed", " error_code=");
    }
}
