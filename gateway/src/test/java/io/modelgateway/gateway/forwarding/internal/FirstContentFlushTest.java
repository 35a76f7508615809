package io.modelgateway.gateway.forwarding.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class FirstContentFlushTest {

    private final DefaultDataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;

    @Test
    void theFirstGroupEndsWithTheFirstContentEventAndTheRestFollowInOne() {
        FirstContentFlush flush = new FirstContentFlush();
        Flux<byte[]> events = Flux.defer(() -> Flux.just(
                event("role"),
                flush.content(event("one")),
                flush.content(event("two")),
                event("finish"),
                event("[DONE]")));

        assertThat(texts(flush.groups(events, buffers)))
                .containsExactly(List.of("role", "one"), List.of("two", "finish", "[DONE]"));
    }

    @Test
    void aStreamWithoutContentIsOneGroup() {
        FirstContentFlush flush = new FirstContentFlush();

        assertThat(texts(flush.groups(Flux.just(event("role"), event("finish"), event("[DONE]")), buffers)))
                .containsExactly(List.of("role", "finish", "[DONE]"));
    }

    @Test
    void anEqualEventLaterDoesNotCutAgain() {
        FirstContentFlush flush = new FirstContentFlush();
        Flux<byte[]> events = Flux.defer(
                () -> Flux.just(flush.content(event("same")), flush.content(event("same")), event("[DONE]")));

        assertThat(texts(flush.groups(events, buffers))).containsExactly(List.of("same"), List.of("same", "[DONE]"));
    }

    @Test
    void anErrorBeforeAnyEventOpensNoGroup() {
        // the response is committed by its first group: a failure before the first event must stay an error that
        // the error handler can still answer with a status of its own
        List<Flux<DataBuffer>> opened = new ArrayList<>();
        StepVerifier.create(new FirstContentFlush()
                        .groups(Flux.error(new IllegalStateException("backend down")), buffers)
                        .doOnNext(opened::add))
                .expectErrorMessage("backend down")
                .verify();
        assertThat(opened).isEmpty();
    }

    @Test
    void eventsAreRelayedAsTheyComeNotWhenTheStreamEnds() {
        FirstContentFlush flush = new FirstContentFlush();
        Sinks.Many<byte[]> backend = Sinks.many().unicast().onBackpressureBuffer();
        List<String> written = new ArrayList<>();
        flush.groups(backend.asFlux(), buffers)
                .concatMap(group -> group.map(FirstContentFlushTest::text))
                .subscribe(written::add);

        backend.tryEmitNext(event("role"));
        backend.tryEmitNext(flush.content(event("one")));
        assertThat(written).containsExactly("role", "one");
        backend.tryEmitNext(flush.content(event("two")));
        assertThat(written).containsExactly("role", "one", "two");
        backend.tryEmitComplete();
    }

    private static byte[] event(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(DataBuffer buffer) {
        return buffer.toString(StandardCharsets.UTF_8);
    }

    private static List<List<String>> texts(Flux<Flux<DataBuffer>> groups) {
        return groups.concatMap(group -> group.map(FirstContentFlushTest::text).collectList())
                .collectList()
                .block();
    }
}
