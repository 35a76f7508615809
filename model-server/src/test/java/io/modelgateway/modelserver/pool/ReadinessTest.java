package io.modelgateway.modelserver.pool;

import static io.modelgateway.modelserver.pool.Fleet.generate;
import static io.modelgateway.modelserver.pool.Fleet.request;
import static io.modelgateway.modelserver.pool.Fleet.words;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.Layout;
import io.modelgateway.inference.PoolConfig;
import io.modelgateway.inference.ReplicaStatus;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Readiness polling takes unready replicas out and puts them back; DNS names expand into replicas. */
class ReadinessTest {

    @Test
    void anUnreadyReplicaGetsNoTrafficUntilItRecovers() throws Exception {
        try (Fleet fleet = Fleet.of(2, EchoSettings.fast());
                BackendPool pool = BackendPool.create(fleet.config()
                        .layout(Layout.VLLM)
                        .models(List.of("echo"))
                        .build())) {
            ModelServer draining = fleet.server(0);
            assertThat(pool.modelReady("echo").get()).isTrue();
            draining.reportReady(false);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !Fleet.status(pool, draining).ready()
                            && Boolean.FALSE.equals(
                                    Fleet.status(pool, draining).models().get("echo")));

            long before = draining.startedRequests();
            for (int i = 0; i < 20; i++) {
                assertThat(generate(pool, request("echo", words(2), 8, true))
                                .awaitEnd()
                                .failed())
                        .isFalse();
            }
            assertThat(draining.startedRequests()).isEqualTo(before);
            assertThat(pool.modelReady("echo").get()).isTrue();

            draining.reportReady(true);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> Fleet.status(pool, draining).ready());
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        generate(pool, request("echo", words(2), 8, true)).awaitEnd();
                        return draining.startedRequests() > before;
                    });
        }
    }

    @Test
    void noReadyReplicaMeansUnavailableAtOnce() throws Exception {
        try (Fleet fleet = Fleet.of(1, EchoSettings.fast());
                BackendPool pool = BackendPool.create(fleet.config()
                        .layout(Layout.VLLM)
                        .models(List.of("echo"))
                        .build())) {
            fleet.server(0).reportReady(false);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !pool.modelReady("echo").get());
            Outcome o = generate(pool, request("echo", words(2), 8, true));
            assertThat(o.awaitEnd().error().kind())
                    .isEqualTo(io.modelgateway.inference.InferenceException.Kind.UNAVAILABLE);
            assertThat(o.awaitEnd().error().getMessage()).contains("no ready replica");
        }
    }

    @Test
    void aHostNameResolvingToSeveralAddressesIsSeveralReplicas() throws Exception {
        ModelServer first = ModelServer.builder()
                .host("127.0.0.1")
                .port(0)
                .embeddings(false)
                .start();
        ModelServer second = ModelServer.builder()
                .host("127.0.0.2")
                .port(first.port())
                .embeddings(false)
                .start();
        InetAddress a = InetAddress.getByName("127.0.0.1");
        InetAddress b = InetAddress.getByName("127.0.0.2");
        AtomicReference<InetAddress[]> dns = new AtomicReference<>(new InetAddress[] {a});
        PoolConfig config = PoolConfig.builder("dns", List.of("triton.test:" + first.port()))
                .layout(Layout.VLLM)
                .health(new PoolConfig.Health(Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMillis(100)))
                .build();
        try (first;
                second;
                BackendPool pool = BackendPool.builder(config)
                        .resolver(host -> {
                            assertThat(host).isEqualTo("triton.test");
                            return dns.get();
                        })
                        .build()) {
            assertThat(pool.replicas()).extracting(ReplicaStatus::target).containsExactly(first.target());

            dns.set(new InetAddress[] {a, b});
            await().atMost(Duration.ofSeconds(5)).until(() -> pool.replicas().size() == 2);
            assertThat(pool.replicas()).extracting(ReplicaStatus::endpoint).containsOnly("triton.test:" + first.port());
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        generate(pool, request("echo", words(2), 8, true)).awaitEnd();
                        return second.startedRequests() > 0;
                    });

            dns.set(new InetAddress[] {b});
            await().atMost(Duration.ofSeconds(5)).until(() -> pool.replicas().size() == 1);
            long firstBefore = first.startedRequests();
            for (int i = 0; i < 5; i++) {
                assertThat(generate(pool, request("echo", words(2), 8, true))
                                .awaitEnd()
                                .failed())
                        .isFalse();
            }
            assertThat(first.startedRequests()).isEqualTo(firstBefore);
        }
    }
}
