package io.modelgateway.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import org.springframework.web.server.handler.DefaultWebFilterChain;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * The composed filters do what WebFlux's own chain does with the same list: every filter in order, then the
 * handler; a filter that answers stops the rest; a mutated exchange travels on; an error, returned or thrown,
 * reaches the filters before it. Each case runs through both chains and compares what was seen.
 */
class ComposedFiltersTest {

    private final List<String> seen = new ArrayList<>();

    private WebFilter passing(String name) {
        return (exchange, chain) -> {
            seen.add(name + ":" + exchange.getRequest().getMethod());
            return chain.filter(exchange)
                    .doOnSuccess(v -> seen.add(name + " done"))
                    .doOnError(e -> seen.add(name + " saw " + e.getMessage()));
        };
    }

    private Mono<Void> handler(ServerWebExchange exchange) {
        seen.add("handler:" + exchange.getRequest().getMethod());
        return Mono.empty();
    }

    /** What the filters and the handler saw through WebFlux's chain and through the composed one. */
    private List<List<String>> bothWays(List<WebFilter> filters, boolean expectError) {
        List<List<String>> results = new ArrayList<>();
        for (boolean composed : new boolean[] {false, true}) {
            seen.clear();
            ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/x"));
            Mono<Void> run = composed
                    ? ComposedFilters.of(filters).filter(exchange, this::handler)
                    : new DefaultWebFilterChain(this::handler, filters).filter(exchange);
            if (expectError) {
                StepVerifier.create(run).verifyErrorMessage("refused");
            } else {
                StepVerifier.create(run).verifyComplete();
            }
            results.add(List.copyOf(seen));
        }
        return results;
    }

    @Test
    void everyFilterRunsInOrderThenTheHandler() {
        List<List<String>> runs = bothWays(List.of(passing("a"), passing("b"), passing("c")), false);
        assertThat(runs.get(1))
                .containsExactly("a:POST", "b:POST", "c:POST", "handler:POST", "c done", "b done", "a done")
                .isEqualTo(runs.get(0));
    }

    @Test
    void aFilterThatAnswersStopsTheRest() {
        WebFilter answers = (exchange, chain) -> {
            seen.add("answers");
            return Mono.empty();
        };
        List<List<String>> runs = bothWays(List.of(passing("a"), answers, passing("c")), false);
        assertThat(runs.get(1)).containsExactly("a:POST", "answers", "a done").isEqualTo(runs.get(0));
    }

    @Test
    void aMutatedExchangeTravelsOn() {
        WebFilter mutates = (exchange, chain) -> chain.filter(
                exchange.mutate().request(r -> r.method(HttpMethod.PUT)).build());
        List<List<String>> runs = bothWays(List.of(passing("a"), mutates, passing("c")), false);
        assertThat(runs.get(1))
                .containsExactly("a:POST", "c:PUT", "handler:PUT", "c done", "a done")
                .isEqualTo(runs.get(0));
    }

    @Test
    void aReturnedErrorReachesTheFiltersBeforeIt() {
        WebFilter refuses = (exchange, chain) -> Mono.error(new IllegalStateException("refused"));
        List<List<String>> runs = bothWays(List.of(passing("a"), refuses, passing("c")), true);
        assertThat(runs.get(1)).containsExactly("a:POST", "a saw refused").isEqualTo(runs.get(0));
    }

    @Test
    void aThrownErrorReachesTheFiltersBeforeIt() {
        WebFilter throwing = (exchange, chain) -> {
            throw new IllegalStateException("refused");
        };
        List<List<String>> runs = bothWays(List.of(passing("a"), passing("b"), throwing), true);
        assertThat(runs.get(1))
                .containsExactly("a:POST", "b:POST", "b saw refused", "a saw refused")
                .isEqualTo(runs.get(0));
    }

    @Test
    void theCustomizerReplacesTwoOrMoreFiltersByOneAndLeavesOneAlone() {
        WebHttpHandlerBuilder builder =
                WebHttpHandlerBuilder.webHandler(this::handler).filter(passing("a"), passing("b"));
        new ComposedFilters().customize(builder);
        List<WebFilter> after = new ArrayList<>();
        builder.filters(after::addAll);
        assertThat(after).hasSize(1);
        assertThat(after.get(0).toString()).startsWith("ComposedFilters[");

        WebHttpHandlerBuilder single =
                WebHttpHandlerBuilder.webHandler(this::handler).filter(passing("a"));
        new ComposedFilters().customize(single);
        List<WebFilter> one = new ArrayList<>();
        single.filters(one::addAll);
        assertThat(one).hasSize(1);
        assertThat(one.get(0).toString()).doesNotStartWith("ComposedFilters");
    }
}
