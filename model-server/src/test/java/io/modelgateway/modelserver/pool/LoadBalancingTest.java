package io.modelgateway.modelserver.pool;

import static io.modelgateway.modelserver.pool.Fleet.generate;
import static io.modelgateway.modelserver.pool.Fleet.request;
import static io.modelgateway.modelserver.pool.Fleet.words;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.Layout;
import io.modelgateway.modelserver.EchoSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Least outstanding requests: a slow replica holds its calls longer, so new calls go elsewhere. */
class LoadBalancingTest {

    @Test
    void trafficShiftsAwayFromASlowReplica() throws Exception {
        try (Fleet fleet = Fleet.of(3, new EchoSettings(Duration.ZERO, 400));
                BackendPool pool =
                        BackendPool.create(fleet.config().layout(Layout.VLLM).build())) {
            fleet.server(1).echoSettings(new EchoSettings(Duration.ofMillis(300), 400));
            runClosedLoop(pool, 90, 6);
            long slow = fleet.server(1).startedRequests();
            long fast0 = fleet.server(0).startedRequests();
            long fast2 = fleet.server(2).startedRequests();
            assertThat(slow + fast0 + fast2).isEqualTo(90);
            assertThat(slow)
                    .as("slow %s vs fast %s and %s", slow, fast0, fast2)
                    .isLessThan(fast0 / 2)
                    .isLessThan(fast2 / 2);
        }
    }

    @Test
    void equalReplicasShareTheLoad() throws Exception {
        try (Fleet fleet = Fleet.of(3, new EchoSettings(Duration.ofMillis(20), 400));
                BackendPool pool =
                        BackendPool.create(fleet.config().layout(Layout.VLLM).build())) {
            runClosedLoop(pool, 90, 6);
            assertThat(fleet.servers)
                    .allSatisfy(s -> assertThat(s.startedRequests()).isBetween(15L, 45L));
        }
    }

    private static void runClosedLoop(BackendPool pool, int requests, int concurrency) throws Exception {
        Semaphore slots = new Semaphore(concurrency);
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            assertThat(slots.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            Outcome o = generate(pool, request("echo", words(5), 16, true));
            o.end().whenComplete((e, t) -> slots.release());
            outcomes.add(o);
        }
        outcomes.forEach(o -> assertThat(o.awaitEnd().failed()).as("%s", o).isFalse());
    }
}
