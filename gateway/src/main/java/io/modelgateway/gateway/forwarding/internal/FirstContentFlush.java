package io.modelgateway.gateway.forwarding.internal;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Flux;

/**
 * Groups one SSE stream's events for {@code writeAndFlushWith}: the first group ends with the stream's first
 * content event and is flushed as soon as it is written; every later event goes into the second group, which
 * Reactor Netty flushes when its event loop has nothing more to write, as it does a plain body. Without the early
 * flush the first token of a backend read that carried several tokens waited until all of them (and the answer's
 * end, when that came in the same read) had been relayed. One per stream.
 */
public final class FirstContentFlush {

    private volatile byte[] first;

    /** Passes a content event on, remembering the first one. */
    public byte[] content(byte[] event) {
        if (first == null) {
            first = event;
        }
        return event;
    }

    /** The events as the groups to flush; an error before any event is the outer error (nothing is committed). */
    public Flux<Flux<DataBuffer>> groups(Flux<byte[]> events, DataBufferFactory buffers) {
        return events.windowUntil(event -> event == first).map(group -> group.map(buffers::wrap));
    }
}
