package io.modelgateway.inference.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.InferenceException.Kind;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    private static InferenceException e(Kind kind, String message) {
        return InferenceException.of(kind, "r", message);
    }

    @Test
    void onlyBackendFailuresCountAgainstAReplica() {
        assertThat(Failures.countsAgainstReplica(e(Kind.UNAVAILABLE, "x"))).isTrue();
        assertThat(Failures.countsAgainstReplica(e(Kind.TIMEOUT, "x"))).isTrue();
        assertThat(Failures.countsAgainstReplica(e(Kind.BACKEND_ERROR, "x"))).isTrue();
        assertThat(Failures.countsAgainstReplica(e(Kind.INVALID_REQUEST, "x"))).isFalse();
        assertThat(Failures.countsAgainstReplica(e(Kind.CANCELLED, "x"))).isFalse();
        assertThat(Failures.countsAgainstReplica(e(Kind.MODEL_NOT_FOUND, "x"))).isFalse();
    }

    @Test
    void onlyUnavailableLikeFailuresAreRetried() {
        assertThat(Failures.retryable(e(Kind.UNAVAILABLE, "x"))).isTrue();
        assertThat(Failures.retryable(e(Kind.OVERLOADED, "x"))).isTrue();
        assertThat(Failures.retryable(e(Kind.TIMEOUT, "x"))).isFalse();
        assertThat(Failures.retryable(e(Kind.BACKEND_ERROR, "x"))).isFalse();
        assertThat(Failures.retryable(e(Kind.INVALID_REQUEST, "x"))).isFalse();
    }

    @Test
    void aFullQueueDoesNotMarkAReplicaDown() {
        assertThat(Failures.marksDown(e(Kind.UNAVAILABLE, "io exception"))).isTrue();
        assertThat(Failures.marksDown(e(Kind.UNAVAILABLE, "Server not ready"))).isTrue();
        assertThat(Failures.marksDown(e(Kind.UNAVAILABLE, "Exceeds maximum queue size")))
                .isFalse();
        assertThat(Failures.marksDown(e(Kind.BACKEND_ERROR, "boom"))).isFalse();
    }

    @Test
    void aGoawayLeavesTheReplicaInRotationAndIsWorthANewConnection() {
        InferenceException goaway = e(
                Kind.UNAVAILABLE,
                "Connection closed after GOAWAY. HTTP/2 error code: ENHANCE_YOUR_CALM (Bandwidth exhausted), debug"
                        + " data: too_many_pings");
        assertThat(Failures.marksDown(goaway)).isFalse();
        assertThat(Failures.connectionGoneAway(goaway)).isTrue();
        assertThat(Failures.retryable(goaway)).isTrue();
        assertThat(Failures.connectionGoneAway(e(Kind.UNAVAILABLE, "io exception")))
                .isFalse();
        assertThat(Failures.connectionGoneAway(e(Kind.TIMEOUT, "GOAWAY"))).isFalse();
    }

    @Test
    void aCancelTheCallerDidNotAskForIsAnUnavailableBackend() {
        assertThat(Failures.fromBackend(e(Kind.CANCELLED, "shutting down")).kind())
                .isEqualTo(Kind.UNAVAILABLE);
        assertThat(Failures.fromBackend(e(Kind.TIMEOUT, "slow")).kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(Failures.unwrap(new CompletionException(e(Kind.TIMEOUT, "t")), "r")
                        .kind())
                .isEqualTo(Kind.TIMEOUT);
        assertThat(Failures.unwrap(new IllegalStateException("?"), "r").kind()).isEqualTo(Kind.BACKEND_ERROR);
    }
}
