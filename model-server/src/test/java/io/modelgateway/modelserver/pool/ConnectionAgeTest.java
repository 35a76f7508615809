package io.modelgateway.modelserver.pool;

import static io.modelgateway.modelserver.pool.Fleet.generate;
import static io.modelgateway.modelserver.pool.Fleet.request;
import static io.modelgateway.modelserver.pool.Fleet.words;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.Layout;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A server that ends its connections with a GOAWAY (a restart, a connection age, a proxy in between; or too many
 * pings: CI once saw {@code too_many_pings} from a client's bandwidth probes) cuts the calls open on them. With
 * one replica there is no other to retry on: a call cut before anything was delivered is tried once more on a new
 * connection, and the replica, which answered, is not taken out of rotation.
 */
class ConnectionAgeTest {

    private static final int CALLS = 30;

    @Test
    void callsCutByTheServersGoawayAreRetriedOnANewConnectionToTheOnlyReplica() {
        // Each call takes 120 ms; each connection lives ~250 ms and its open calls are cut at once when it ends.
        ModelServer server = ModelServer.builder()
                .port(0)
                .embeddings(false)
                .echoSettings(new EchoSettings(Duration.ofMillis(120), 0))
                .maxConnectionAge(Duration.ofMillis(250), Duration.ZERO)
                .start();
        Fleet fleet = new Fleet();
        fleet.servers.add(server);
        try (fleet;
                BackendPool pool = BackendPool.create(
                        fleet.config().layout(Layout.VLLM).maxAttempts(2).build())) {
            for (int i = 0; i < CALLS; i++) {
                Outcome o = generate(pool, request("echo", words(3), 8, i % 2 == 0));
                assertThat(o.awaitEnd().failed())
                        .as("call %d: %s", i, o.awaitEnd().error())
                        .isFalse();
                assertThat(o.text()).isEqualTo(words(3));
            }
            assertThat(server.startedRequests())
                    .as("some calls were cut by a GOAWAY and started again")
                    .isGreaterThan(CALLS);
            assertThat(Fleet.status(pool, server).ready()).isTrue();
        }
    }
}
