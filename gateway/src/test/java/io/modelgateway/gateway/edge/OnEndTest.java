package io.modelgateway.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The listener hears once how the request ended, after the signal went downstream, with the error on an error. */
class OnEndTest {

    private final List<String> heard = new ArrayList<>();

    private Mono<Void> watched(Mono<Void> source) {
        return OnEnd.watch(
                source, (signal, error) -> heard.add(signal + (error == null ? "" : ":" + error.getMessage())));
    }

    @Test
    void aCompletionIsHeardOnceItCame() {
        Sinks.Empty<Void> source = Sinks.empty();
        StepVerifier.create(watched(source.asMono()))
                .expectSubscription()
                .then(() -> assertThat(heard).as("nothing before the end").isEmpty())
                .then(source::tryEmitEmpty)
                .verifyComplete();
        assertThat(heard).containsExactly(SignalType.ON_COMPLETE.toString());
    }

    @Test
    void anErrorIsHeardWithTheErrorAndStillReachesTheSubscriber() {
        StepVerifier.create(watched(Mono.error(new IllegalStateException("boom"))))
                .verifyErrorMessage("boom");
        assertThat(heard).containsExactly(SignalType.ON_ERROR + ":boom");
    }

    @Test
    void aCancelIsHeardOnceAndReachesTheSource() {
        Sinks.Empty<Void> never = Sinks.empty();
        boolean[] cancelled = new boolean[1];
        StepVerifier.create(watched(never.asMono().doOnCancel(() -> cancelled[0] = true)))
                .expectSubscription()
                .thenCancel()
                .verify();
        never.tryEmitEmpty();
        assertThat(cancelled[0]).isTrue();
        assertThat(heard).containsExactly(SignalType.CANCEL.toString());
    }

    @Test
    void theSubscribersContextReachesTheSource() {
        Mono<Void> source = Mono.deferContextual(ctx -> {
            heard.add("ctx:" + ctx.get("k"));
            return Mono.empty();
        });
        StepVerifier.create(watched(source).contextWrite(c -> c.put("k", "v"))).verifyComplete();
        assertThat(heard).containsExactly("ctx:v", SignalType.ON_COMPLETE.toString());
    }
}
