package io.modelgateway.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CancellationTest {

    private static final String LONG_PROMPT =
            IntStream.range(0, 1000).mapToObj(i -> "t" + i).collect(Collectors.joining(" "));

    private ModelServer server;
    private TestClient client;

    @BeforeEach
    void start() {
        server = ModelServer.builder()
                .port(0)
                .embeddings(false)
                .echoSettings(new EchoSettings(Duration.ZERO, 20))
                .start();
        client = new TestClient(server);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
    }

    @Test
    void cancellingTheCallStopsTheRequest() throws Exception {
        TestStream stream = client.openStream();
        stream.send(
                Protocol.maxTokens(Protocol.echo("c1", LONG_PROMPT, true), 1000).build());
        assertThat(stream.next().getInferResponse().getId()).isEqualTo("c1");

        stream.cancel();

        await().atMost(Duration.ofSeconds(5)).until(() -> server.cancelledRequests() == 1);
        int received = stream.received.get();
        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
                .until(() -> stream.received.get() == received);
        assertThat(received).isLessThan(10);
        assertThat(server.startedRequests()).isEqualTo(1);
    }

    @Test
    void disconnectCancelsEveryRequestOfTheStream() throws Exception {
        TestStream stream = client.openStream();
        stream.send(
                Protocol.maxTokens(Protocol.echo("d1", LONG_PROMPT, true), 1000).build());
        stream.send(
                Protocol.maxTokens(Protocol.echo("d2", LONG_PROMPT, true), 1000).build());
        stream.send(Protocol.echo("d3", "short", true).setModelName("nope").build());
        stream.next();
        stream.next();

        client.channel.shutdownNow();

        await().atMost(Duration.ofSeconds(5)).until(() -> server.cancelledRequests() == 2);
        assertThat(server.startedRequests()).isEqualTo(2);
    }

    @Test
    void finishedRequestsAreNotCountedAsCancelled() throws Exception {
        TestStream stream = client.openStream();
        stream.send(Protocol.echo("f1", "just two", true).build());
        assertThat(stream.untilFinal()).hasSize(2);
        stream.cancel();
        await().during(Duration.ofMillis(200))
                .atMost(Duration.ofSeconds(2))
                .until(() -> server.cancelledRequests() == 0);
    }
}
