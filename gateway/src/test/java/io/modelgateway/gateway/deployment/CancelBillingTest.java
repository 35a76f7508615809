package io.modelgateway.gateway.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A client that hangs up after its call was forwarded pays for the prompt and what the backend produced, counted
 * by the backend wherever it reports counts (as OpenAI and Azure OpenAI bill): on Triton before the first token
 * (the gateway follows the call to the backend's first response, which carries {@code num_input_tokens}) and
 * mid-stream; on an HTTP upstream a non-streamed answer is read to its usage. A hold covers every choice of
 * {@code n}. Prices: 1000 micro-units per input
 * and per output token on both deployments, so a record's cost shows its tokens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CancelBillingTest extends FleetTestBase {

    private static final String WORDS = "one two three four five six seven eight nine ten eleven twelve thirteen "
            + "fourteen fifteen sixteen seventeen eighteen nineteen twenty";

    @Autowired
    DataSource dataSource;

    @BeforeAll
    void prices() {
        for (String d : new String[] {"hesitant-chat", "up-billed"}) {
            admin().send(
                            "POST",
                            "/prices/" + d,
                            "{\"input_per_1m\":\"1000\",\"output_per_1m\":\"1000\"," + "\"effective_from\":1}");
        }
    }

    /** A record as stored: tokens, whether they were estimated, outcome and cost. */
    record Row(int input, int output, boolean estimated, String outcome, long cost) {}

    private String tenant() {
        String id = "cancel-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(id, "hesitant-chat", "up-billed");
        admin().expect(201, "POST", "/tenants/" + id + "/credits/grants", "{\"amount\":\"1.00\"}");
        return id;
    }

    private Row record(String tenant) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> row(tenant), r -> r != null);
    }

    private @Nullable Row row(String tenant) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT input_tokens, output_tokens, estimated, outcome, cost_micros FROM usage_record "
                                + "WHERE tenant_id = ?")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Row r = new Row(rs.getInt(1), rs.getInt(2), rs.getBoolean(3), rs.getString(4), rs.getLong(5));
                assertThat(rs.next()).as("one record per call").isFalse();
                return r;
            }
        }
    }

    /** The tenant's balance once no hold is open any more. */
    private long settledBalance(String tenant) {
        return await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> admin().expect(200, "GET", "/tenants/" + tenant + "/credits", null),
                        b -> b.get("held_micros").asLong() == 0
                                && b.get("balance_micros").asLong()
                                        == b.get("available_micros").asLong())
                .get("balance_micros")
                .asLong();
    }

    /**
     * Sends a chat call on a raw connection, waits for {@code ready} (reading the answer line by line meanwhile,
     * until {@code contentLines} lines holding generated text arrived), then hangs up.
     */
    private void hangUp(String key, String deployment, boolean stream, int contentLines, BooleanSupplier ready)
            throws Exception {
        String body = "{\"model\":\"" + deployment + "\",\"stream\":" + stream + ",\"max_tokens\":50,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + WORDS + "\"}]}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + key
                            + "\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            if (contentLines > 0) {
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
                int seen = 0;
                for (String line = in.readLine(); line != null && seen < contentLines; line = in.readLine()) {
                    if (line.startsWith("data: {") && line.contains("\"content\":\"") && !line.contains("\"role\"")) {
                        seen++;
                    }
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(ready::getAsBoolean);
        }
    }

    /** The prompt's tokens as the backend counts them (a call that completes reports them). */
    private long backendPromptTokens(String key, String deployment) {
        ChatCompletion c = openAi(key)
                .chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model(deployment)
                        .addUserMessage(WORDS)
                        .maxCompletionTokens(1)
                        .build());
        return c.usage().orElseThrow().promptTokens();
    }

    @Test
    void aTritonStreamLeftBeforeItsFirstTokenPaysTheBackendsPromptCountAndItsFirstToken() throws Exception {
        String tenant = tenant();
        String key = admin().issueKey(tenant);
        long started = HESITANT.startedRequests();
        long cancelled = HESITANT.cancelledRequests();
        hangUp(key, "hesitant-chat", true, 0, () -> HESITANT.startedRequests() > started);
        Row r = record(tenant);
        // the template adds "user:" and "assistant:" to the twenty words: the echo backend counts 22 tokens
        assertThat(r).isEqualTo(new Row(22, 1, false, "cut_short", 23_000));
        await().atMost(Duration.ofSeconds(10)).until(() -> HESITANT.cancelledRequests() > cancelled);
        assertThat(settledBalance(tenant)).isEqualTo(1_000_000 - 23_000);
        assertThat(backendPromptTokens(key, "hesitant-chat")).isEqualTo(22);
    }

    @Test
    void aTritonStreamLeftMidStreamPaysThePromptAndTheTokensProduced() throws Exception {
        String tenant = tenant();
        String key = admin().issueKey(tenant);
        long cancelled = HESITANT.cancelledRequests();
        hangUp(key, "hesitant-chat", true, 2, () -> true);
        await().atMost(Duration.ofSeconds(10)).until(() -> HESITANT.cancelledRequests() > cancelled);
        Row r = record(tenant);
        assertThat(r.input()).isEqualTo(22);
        assertThat(r.output()).isBetween(2, 21);
        assertThat(r.estimated()).isFalse();
        assertThat(r.outcome()).isEqualTo("cut_short");
        assertThat(r.cost()).isEqualTo(1000L * (r.input() + r.output()));
        assertThat(settledBalance(tenant)).isEqualTo(1_000_000 - r.cost());
    }

    @Test
    void aNonStreamedUpstreamAnswerTheClientLeftIsReadToItsUsage() throws Exception {
        String tenant = tenant();
        String key = admin().issueKey(tenant);
        int received = UPSTREAM.received.size();
        int sent = UPSTREAM.wholeAnswersSent.get();
        hangUp(key, "up-billed", false, 0, () -> UPSTREAM.received.size() > received);
        await().atMost(Duration.ofSeconds(10)).until(() -> UPSTREAM.wholeAnswersSent.get() > sent);
        // the fake upstream reports 7 prompt tokens and one completion token per word
        assertThat(record(tenant)).isEqualTo(new Row(7, 20, false, "cut_short", 27_000));
        assertThat(settledBalance(tenant)).isEqualTo(1_000_000 - 27_000);
    }

    @Test
    void anUpstreamStreamLeftMidStreamPaysThePromptAndTheTokensRelayedMarkedEstimated() throws Exception {
        String tenant = tenant();
        String key = admin().issueKey(tenant);
        int cancelled = UPSTREAM.cancelledStreams.get();
        hangUp(key, "up-billed", true, 2, () -> true);
        await().atMost(Duration.ofSeconds(10)).until(() -> UPSTREAM.cancelledStreams.get() > cancelled);
        Row r = record(tenant);
        // an upstream reports usage only at a stream's end: the gateway counts, and says so
        assertThat(r.estimated()).isTrue();
        assertThat(r.outcome()).isEqualTo("cut_short");
        assertThat(r.input()).isPositive();
        assertThat(r.output()).isBetween(2, 19);
        assertThat(r.cost()).isEqualTo(1000L * (r.input() + r.output()));
        assertThat(settledBalance(tenant)).isEqualTo(1_000_000 - r.cost());
    }

    @Test
    void aHoldCoversEveryChoiceOfN() throws Exception {
        String tenant = "n-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(tenant, "up-billed");
        // 0.02 pays the short prompt and 5 output tokens, not 4 choices × 5
        admin().expect(201, "POST", "/tenants/" + tenant + "/credits/grants", "{\"amount\":\"0.02\"}");
        String key = admin().issueKey(tenant);
        openAi(key)
                .chat()
                .completions()
                .create(ChatCompletionCreateParams.builder()
                        .model("up-billed")
                        .addUserMessage("hi")
                        .maxCompletionTokens(5)
                        .n(4)
                        .build());
        int perChoice = UPSTREAM.last().body().get("max_completion_tokens").asInt();
        assertThat(UPSTREAM.last().body().get("n").asInt()).isEqualTo(4);
        assertThat(perChoice).as("lowered so that 4 choices fit the balance").isBetween(1, 4);
        assertThat(settledBalance(tenant)).isNotNegative();
    }
}
