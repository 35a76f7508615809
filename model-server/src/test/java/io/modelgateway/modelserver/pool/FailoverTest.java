package io.modelgateway.modelserver.pool;

import static io.modelgateway.modelserver.pool.Fleet.generate;
import static io.modelgateway.modelserver.pool.Fleet.request;
import static io.modelgateway.modelserver.pool.Fleet.words;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.InferenceException.Kind;
import io.modelgateway.inference.Layout;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Failed calls move to another replica while nothing was delivered; after the first delta they fail. */
class FailoverTest {

    @Test
    void killingAReplicaMidLoadFailsNoRequestThatHadNotReceivedADelta() throws Exception {
        try (Fleet fleet = Fleet.of(3, new EchoSettings(Duration.ZERO, 100));
                BackendPool pool =
                        BackendPool.create(fleet.config().layout(Layout.VLLM).build())) {
            ModelServer victim = fleet.server(0);
            List<Outcome> outcomes = new ArrayList<>();
            Semaphore concurrency = new Semaphore(12);
            CompletableFuture<Void> kill = null;
            for (int i = 0; i < 150; i++) {
                assertThat(concurrency.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
                Outcome o = generate(pool, request("echo", words(10), 16, true));
                o.end().whenComplete((e, t) -> concurrency.release());
                outcomes.add(o);
                if (i == 40) {
                    kill = CompletableFuture.runAsync(victim::close);
                }
            }
            for (Outcome o : outcomes) {
                o.awaitEnd();
            }
            kill.get(10, TimeUnit.SECONDS);

            List<Outcome> failed =
                    outcomes.stream().filter(o -> o.awaitEnd().failed()).toList();
            assertThat(failed).as("failed without a delta").allMatch(Outcome::sawDelta);
            assertThat(outcomes.stream().filter(o -> !o.awaitEnd().failed()))
                    .allSatisfy(o -> assertThat(o.text()).isEqualTo(words(10)));
            assertThat(outcomes).allSatisfy(o -> assertThat(o.ends()).isEqualTo(1));
            assertThat(victim.startedRequests())
                    .as("the victim served before it died")
                    .isPositive();
            assertThat(fleet.server(1).startedRequests() + fleet.server(2).startedRequests())
                    .isGreaterThan(100);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !Fleet.status(pool, victim).ready());
            assertThat(Fleet.outstanding(pool)).isZero();
        }
    }

    @Test
    void anUnavailableReplicaIsRetriedOnAnotherOneAndAnErrorAfterTheFirstDeltaIsNot() {
        try (Fleet fleet = Fleet.of(2, EchoSettings.fast());
                BackendPool pool = BackendPool.create(
                        fleet.config().layout(Layout.VLLM).maxAttempts(2).build())) {
            fleet.server(0).failNext(1000, Status.Code.UNAVAILABLE);
            fleet.server(1).failNext(1000, Status.Code.UNAVAILABLE);
            Outcome bothDown = generate(pool, request("echo", words(3), 16, true));
            assertThat(bothDown.awaitEnd().error().kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(bothDown.awaitEnd().error().getMessage()).contains("injected failure");

            fleet.server(1).failNext(0, Status.Code.OK);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> pool.replicas().stream().allMatch(r -> r.ready()));
            for (int i = 0; i < 10; i++) {
                Outcome o = generate(pool, request("echo", words(3), 16, i % 2 == 0));
                assertThat(o.awaitEnd().failed()).as("%s", o).isFalse();
            }
            assertThat(fleet.server(1).startedRequests()).isEqualTo(10);
        }
    }

    @Test
    void anEndpointNobodyListensOnIsRetriedAwayFromAndMarkedDown() throws Exception {
        int deadPort;
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = socket.getLocalPort();
        }
        try (Fleet fleet = Fleet.of(1, EchoSettings.fast());
                BackendPool pool = BackendPool.create(io.modelgateway.inference.PoolConfig.builder(
                                "dead",
                                List.of("127.0.0.1:" + deadPort, fleet.server(0).target()))
                        .layout(Layout.VLLM)
                        .build())) {
            for (int i = 0; i < 10; i++) {
                Outcome o = generate(pool, request("echo", words(3), 16, i % 2 == 0));
                assertThat(o.awaitEnd().failed()).as("%s", o).isFalse();
            }
            assertThat(fleet.server(0).startedRequests()).isEqualTo(10);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> pool.replicas().stream()
                            .filter(r -> r.target().endsWith(":" + deadPort))
                            .noneMatch(r -> r.ready()));
        }
    }

    @Test
    void aBackendErrorIsNotRetried() {
        try (Fleet fleet = Fleet.of(2, EchoSettings.fast());
                BackendPool pool = BackendPool.create(
                        fleet.config().layout(Layout.VLLM).maxAttempts(3).build())) {
            fleet.server(0).failNext(1000, Status.Code.INTERNAL);
            List<Outcome.End> ends = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                ends.add(generate(pool, request("echo", words(3), 16, true)).awaitEnd());
            }
            List<Outcome.End> failed = ends.stream().filter(Outcome.End::failed).toList();
            assertThat(failed)
                    .isNotEmpty()
                    .allSatisfy(e -> assertThat(e.error().kind()).isEqualTo(Kind.BACKEND_ERROR));
            assertThat(fleet.server(1).startedRequests()).isEqualTo(30 - failed.size());
        }
    }
}
