package io.modelgateway.modelserver.pool;

import static io.modelgateway.modelserver.pool.Fleet.generate;
import static io.modelgateway.modelserver.pool.Fleet.request;
import static io.modelgateway.modelserver.pool.Fleet.words;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.GenerationCall;
import io.modelgateway.inference.InferenceException.Kind;
import io.modelgateway.inference.Layout;
import io.modelgateway.inference.PoolConfig;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Timeouts that fit LLM calls (time to first token, silence between tokens, no cap on a stream's length) and
 * the caller's cancel: each cancels the backend call, which the server counts.
 */
class TimeoutsAndCancelTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static Fleet fleet;
    private static ModelServer server;
    private static BackendPool pool;

    @BeforeAll
    static void start() {
        fleet = Fleet.of(1, EchoSettings.fast());
        server = fleet.server(0);
        pool = BackendPool.create(fleet.config()
                .layout(Layout.VLLM)
                .maxAttempts(1)
                .timeouts(new PoolConfig.Timeouts(TIMEOUT, TIMEOUT))
                .build());
    }

    @AfterEach
    void fast() {
        server.echoSettings(EchoSettings.fast());
        await().atMost(Duration.ofSeconds(5)).until(() -> Fleet.outstanding(pool) == 0);
    }

    @AfterAll
    static void stop() {
        pool.close();
        fleet.close();
    }

    @Test
    void aLateFirstTokenTimesOutAndCancelsTheBackendCall() {
        server.echoSettings(new EchoSettings(Duration.ofSeconds(5), 0));
        long cancelled = server.cancelledRequests();
        Outcome o = generate(pool, request("echo", words(3), 16, true));
        Outcome.End end = o.awaitEnd();
        assertThat(end.error().kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(end.error().getMessage()).contains("first token");
        assertThat(o.sawDelta()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.cancelledRequests() == cancelled + 1);
    }

    @Test
    void aSilenceBetweenTokensTimesOutAndCancelsTheBackendCall() {
        server.echoSettings(new EchoSettings(Duration.ZERO, 1));
        long cancelled = server.cancelledRequests();
        Outcome o = generate(pool, request("echo", words(10), 16, true));
        Outcome.End end = o.awaitEnd();
        assertThat(end.error().kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(end.error().getMessage()).contains("no token for");
        assertThat(o.text()).isEqualTo("w0");
        assertThat(end.usage().completionTokens()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.cancelledRequests() == cancelled + 1);
    }

    @Test
    void aSteadyStreamMayRunFarLongerThanEitherTimeout() {
        server.echoSettings(new EchoSettings(Duration.ofMillis(100), 40));
        Outcome o = generate(pool, request("echo", words(40), 64, true));
        Outcome.End end = o.awaitEnd();
        assertThat(end.failed()).as("%s", o).isFalse();
        assertThat(o.deltaCount()).isEqualTo(40);
    }

    @Test
    void aNonStreamedAnswerGetsTheTimeItsTokensWouldTakeAsAStream() {
        server.echoSettings(new EchoSettings(Duration.ofMillis(100), 40));
        Outcome o = generate(pool, request("echo", words(30), 64, false));
        Outcome.End end = o.awaitEnd();
        assertThat(end.failed()).as("%s", o).isFalse();
        assertThat(o.text()).isEqualTo(words(30));
    }

    @Test
    void theCallersCancelReachesTheServerAndFreesThePermit() {
        server.echoSettings(new EchoSettings(Duration.ZERO, 20));
        long cancelled = server.cancelledRequests();
        Outcome o = new Outcome();
        GenerationCall call = pool.generate(request("echo", words(200), 200, true), Fleet.TOKENS, o);
        assertThat(o.awaitFirstDelta()).isEqualTo("w0");
        assertThat(Fleet.outstanding(pool)).isEqualTo(1);
        call.cancel("client went away");
        await().atMost(Duration.ofSeconds(5)).until(() -> server.cancelledRequests() == cancelled + 1);
        assertThat(Fleet.outstanding(pool)).isZero();
        assertThat(o.ended()).isFalse();
        assertThat(Fleet.status(pool, server).breaker())
                .isEqualTo(io.modelgateway.inference.ReplicaStatus.BreakerState.CLOSED);
    }
}
