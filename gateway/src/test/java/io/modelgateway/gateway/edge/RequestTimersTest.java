package io.modelgateway.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A request's timeouts run on its connection's event loop: the thread that handled the request is the one its timer
 * fires on, and one scheduler serves every request of a loop.
 */
class RequestTimersTest {

    private final RequestTimers timers = new RequestTimers();

    @Test
    void aTimerOfARequestFiresOnTheLoopThatHandledIt() throws Exception {
        record Seen(String handler, String timer, Scheduler scheduler) {}
        ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
        var handler = WebHttpHandlerBuilder.webHandler(exchange -> {
                    String handling = Thread.currentThread().getName();
                    Scheduler scheduler = timers.of(exchange);
                    return Mono.delay(Duration.ofMillis(1), scheduler)
                            .doOnNext(tick -> seen.add(
                                    new Seen(handling, Thread.currentThread().getName(), scheduler)))
                            .then(exchange.getResponse().setComplete());
                })
                .build();
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle(new ReactorHttpHandlerAdapter(handler))
                .bindNow();
        HttpClient client = HttpClient.newHttpClient();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/");
            for (int i = 0; i < 4; i++) {
                HttpResponse<Void> r =
                        client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding());
                assertThat(r.statusCode()).isEqualTo(200);
            }
        } finally {
            server.disposeNow();
        }
        List<Seen> all = new ArrayList<>(seen);
        assertThat(all).hasSize(4);
        for (Seen s : all) {
            assertThat(s.timer()).as("the timer's thread").isEqualTo(s.handler());
            assertThat(s.scheduler()).isNotSameAs(Schedulers.parallel());
        }
        // one keep-alive connection: one loop, one scheduler for all its requests
        assertThat(all.stream().map(Seen::scheduler).distinct()).hasSize(1);
    }

    @Test
    void offReactorNettyTheParallelSchedulerIsUsed() {
        // a mock request has no native request at all: it throws where a decorator of an unknown kind is refused
        var exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/v1/models"));

        assertThat(timers.of(exchange)).isSameAs(Schedulers.parallel());
        assertThat(RequestLoops.of(exchange)).isNull();
    }
}
