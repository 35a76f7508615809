package io.modelgateway.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import inference.ModelInferRequest;
import io.grpc.Status;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SpeedSettingsTest {

    private static ModelServer server;
    private static TestClient client;

    @BeforeAll
    static void start() {
        server = ModelServer.builder()
                .port(0)
                .embeddings(false)
                .echoSettings(new EchoSettings(Duration.ofMillis(200), 0))
                .start();
        client = new TestClient(server);
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
    }

    @Test
    void firstTokenWaitsForTheConfiguredTime() throws Exception {
        assertThat(millisToFirstResponse(Protocol.echo("t1", "a b c", true))).isGreaterThanOrEqualTo(180);
        assertThat(millisToFirstResponse(Protocol.echo("t2", "a b c", false))).isGreaterThanOrEqualTo(180);
    }

    @Test
    void perRequestParametersOverrideTheSettings() throws Exception {
        ModelInferRequest.Builder fast = Protocol.param(Protocol.echo("p1", "a b c", true), "echo_ttft_ms", 0);
        assertThat(millisToFirstResponse(fast)).isLessThan(180);
        ModelInferRequest.Builder paced = Protocol.param(
                Protocol.param(Protocol.echo("p2", "a b c d e f", true), "echo_ttft_ms", 0),
                "echo_tokens_per_second",
                50);
        assertThat(millisToAll(paced)).isGreaterThanOrEqualTo(90);
    }

    @Test
    void settingsChangeAtRunTime() throws Exception {
        EchoSettings before = server.echoSettings();
        try {
            server.echoSettings(new EchoSettings(Duration.ZERO, 40));
            assertThat(millisToAll(Protocol.echo("r1", "a b c d e", false))).isGreaterThanOrEqualTo(90);
        } finally {
            server.echoSettings(before);
        }
    }

    private static long millisToFirstResponse(ModelInferRequest.Builder request) throws Exception {
        TestStream stream = client.openStream();
        long start = System.nanoTime();
        stream.send(request.build());
        stream.next();
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        stream.halfClose();
        assertThat(stream.awaitClosed()).isEqualTo(Status.OK);
        return elapsed;
    }

    private static long millisToAll(ModelInferRequest.Builder request) throws Exception {
        TestStream stream = client.openStream();
        long start = System.nanoTime();
        stream.send(request.build());
        stream.untilFinal();
        long elapsed = (System.nanoTime() - start) / 1_000_000;
        stream.halfClose();
        assertThat(stream.awaitClosed()).isEqualTo(Status.OK);
        return elapsed;
    }
}
