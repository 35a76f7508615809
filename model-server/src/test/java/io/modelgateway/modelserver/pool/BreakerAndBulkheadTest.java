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
import io.modelgateway.inference.PoolConfig;
import io.modelgateway.inference.ReplicaStatus.BreakerState;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Per-replica circuit breakers and bulkheads. */
class BreakerAndBulkheadTest {

    @Test
    void theBreakerOpensOnBackendFailuresThenHalfOpensAndCloses() {
        try (Fleet fleet = Fleet.of(2, EchoSettings.fast());
                BackendPool pool = BackendPool.create(fleet.config()
                        .layout(Layout.VLLM)
                        .maxAttempts(1)
                        .breaker(new PoolConfig.Breaker(4, 50, 4, Duration.ofSeconds(3), 2))
                        .build())) {
            ModelServer failing = fleet.server(0);
            failing.failNext(10_000, Status.Code.INTERNAL);
            await().atMost(Duration.ofSeconds(5))
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> {
                        generate(pool, request("echo", words(2), 8, true)).awaitEnd();
                        return Fleet.status(pool, failing).breaker() == BreakerState.OPEN;
                    });

            for (int i = 0; i < 10; i++) {
                Outcome o = generate(pool, request("echo", words(2), 8, true));
                assertThat(o.awaitEnd().failed())
                        .as("open breaker: no call to the failing replica %s", o)
                        .isFalse();
            }
            assertThat(Fleet.status(pool, failing).breaker()).isEqualTo(BreakerState.OPEN);

            failing.failNext(0, Status.Code.OK);
            long started = failing.startedRequests();
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        generate(pool, request("echo", words(2), 8, true)).awaitEnd();
                        return Fleet.status(pool, failing).breaker() == BreakerState.CLOSED;
                    });
            assertThat(failing.startedRequests()).isGreaterThanOrEqualTo(started + 2);
        }
    }

    @Test
    void clientErrorsDoNotOpenTheBreaker() {
        try (Fleet fleet = Fleet.of(1, EchoSettings.fast());
                BackendPool pool = BackendPool.create(fleet.config()
                        .layout(Layout.VLLM)
                        .maxAttempts(1)
                        .breaker(new PoolConfig.Breaker(4, 50, 4, Duration.ofSeconds(30), 2))
                        .build())) {
            fleet.server(0).failNext(20, Status.Code.INVALID_ARGUMENT);
            for (int i = 0; i < 20; i++) {
                assertThat(generate(pool, request("echo", words(2), 8, true))
                                .awaitEnd()
                                .error()
                                .kind())
                        .isEqualTo(Kind.INVALID_REQUEST);
            }
            assertThat(Fleet.status(pool, fleet.server(0)).breaker()).isEqualTo(BreakerState.CLOSED);
        }
    }

    @Test
    void aFloodBeyondTheBulkheadsIsRefusedAtOnceAndNothingQueues() throws Exception {
        try (Fleet fleet = Fleet.of(2, new EchoSettings(Duration.ofMillis(1500), 0));
                BackendPool pool = BackendPool.create(fleet.config()
                        .layout(Layout.VLLM)
                        .maxConcurrentPerReplica(3)
                        .build())) {
            assertThat(pool.modelReady("echo").get()).isTrue();
            List<Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                outcomes.add(generate(pool, request("echo", words(3), 8, true)));
            }
            // Ended already, while the admitted calls wait 1.5 s for their first token: refused at once, not queued.
            List<Outcome> refused = outcomes.stream().filter(Outcome::ended).toList();

            assertThat(refused).hasSize(194).allSatisfy(o -> {
                assertThat(o.awaitEnd().error().kind()).isEqualTo(Kind.OVERLOADED);
                assertThat(o.awaitEnd().usage().totalTokens()).isZero();
            });
            assertThat(Fleet.outstanding(pool)).isEqualTo(6);
            assertThat(pool.replicas())
                    .allSatisfy(r -> assertThat(r.outstanding()).isEqualTo(3));

            Map<Boolean, Long> byFailure = outcomes.stream()
                    .map(Outcome::awaitEnd)
                    .collect(Collectors.groupingBy(Outcome.End::failed, Collectors.counting()));
            assertThat(byFailure).containsEntry(false, 6L).containsEntry(true, 194L);
            assertThat(fleet.started()).isEqualTo(6);
            assertThat(Fleet.outstanding(pool)).isZero();
            assertThat(pool.replicas()).extracting(r -> r.breaker()).containsOnly(BreakerState.CLOSED);
        }
    }

    static <T> Map<T, Long> count(List<T> values) {
        return values.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }
}
