package io.modelgateway.gateway.deployment;

import io.modelgateway.gateway.GatewayTestBase;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway's test context plus fleets of real model servers (gRPC on loopback) behind named backends, and
 * an OpenAI-compatible HTTP upstream. One Spring context for every class extending this.
 */
public abstract class FleetTestBase extends GatewayTestBase {

    /** Three replicas of one pool, each serving {@code echo} (vLLM layout) and {@code echo-ensemble}. */
    static final List<ModelServer> REPLICAS = Stream.generate(() -> ModelServer.builder()
                    .port(0)
                    .embeddings(false)
                    .ensemble(true)
                    .echoSettings(new EchoSettings(Duration.ZERO, 0))
                    .start())
            .limit(3)
            .toList();

    /**
     * One replica whose {@code echo} is redeployed with other tensors by {@link LayoutRedetectionEndToEndTest}: a
     * fixed port, so the replacement answers at the same address.
     */
    static final ModelServer RELAYOUT =
            ModelServer.builder().port(0).embeddings(false).start();

    static final int RELAYOUT_PORT = RELAYOUT.port();

    /** One slow replica that takes one call at a time: the second concurrent call overflows its bulkhead. */
    static final ModelServer NARROW = ModelServer.builder()
            .port(0)
            .embeddings(false)
            .echoSettings(new EchoSettings(Duration.ZERO, 20))
            .start();

    /** One replica whose breaker opens after two failures. */
    static final ModelServer FRAGILE =
            ModelServer.builder().port(0).embeddings(false).start();

    /** A slow replica that is shut down mid-stream. */
    static final ModelServer DOOMED = ModelServer.builder()
            .port(0)
            .embeddings(false)
            .echoSettings(new EchoSettings(Duration.ZERO, 20))
            .start();

    static final FakeOpenAi UPSTREAM = new FakeOpenAi();

    /** Three replicas at 25 tokens per second; the first is killed in the middle of a load. */
    static final List<ModelServer> KILL_POOL = servers(3, new EchoSettings(Duration.ZERO, 25), false);

    /** Three replicas: the first slow (a long time to the first token, few tokens per second), two quick. */
    static final List<ModelServer> SKEW_POOL = List.of(
            server(new EchoSettings(Duration.ofSeconds(2), 20), false),
            server(new EchoSettings(Duration.ZERO, 400), false),
            server(new EchoSettings(Duration.ZERO, 400), false));

    /** Two replicas; the first fails until its breaker opens, which lets trial calls through after three seconds. */
    static final List<ModelServer> FLAKY_POOL = servers(2, EchoSettings.fast(), false);

    /** One slow replica taking one call at a time: everything past the held slot is refused. */
    static final ModelServer FLOOD = server(new EchoSettings(Duration.ZERO, 5), false);

    /** One slow replica whose calls the client abandons. */
    static final ModelServer CANCELS = server(new EchoSettings(Duration.ZERO, 20), false);

    /** One replica taking a second before its first token, then 20 tokens per second (cancel billing). */
    static final ModelServer HESITANT = server(new EchoSettings(Duration.ofSeconds(1), 20), false);

    /** One quick replica serving both layouts, for the backend contract test. */
    static final ModelServer CONTRACT = server(EchoSettings.fast(), true);

    @DynamicPropertySource
    static void fleet(DynamicPropertyRegistry r) {
        for (int i = 0; i < REPLICAS.size(); i++) {
            int n = i;
            r.add(
                    "gateway.backends.fleet.endpoints[" + i + "]",
                    () -> REPLICAS.get(n).target());
        }
        r.add("gateway.backends.fleet.poll-interval", () -> "100ms");
        // Failures injected in tests must not open these breakers (the fragile backend tests the breaker).
        r.add("gateway.backends.fleet.breaker.window-size", () -> "1000");
        r.add("gateway.backends.fleet.breaker.minimum-calls", () -> "1000");
        deployment(r, "fleet-chat", "fleet", "echo", "auto");
        deployment(r, "fleet-ensemble", "fleet", "echo-ensemble", "auto");

        r.add("gateway.backends.relayout.endpoints[0]", () -> "127.0.0.1:" + RELAYOUT_PORT);
        r.add("gateway.backends.relayout.poll-interval", () -> "100ms");
        r.add("gateway.backends.relayout.breaker.window-size", () -> "1000");
        r.add("gateway.backends.relayout.breaker.minimum-calls", () -> "1000");
        deployment(r, "relayout-chat", "relayout", "echo", "auto");

        r.add("gateway.backends.narrow.endpoints[0]", NARROW::target);
        r.add("gateway.backends.narrow.max-concurrent-per-replica", () -> "1");
        deployment(r, "narrow-chat", "narrow", "echo", "vllm");

        r.add("gateway.backends.fragile.endpoints[0]", FRAGILE::target);
        r.add("gateway.backends.fragile.max-attempts", () -> "1");
        r.add("gateway.backends.fragile.breaker.window-size", () -> "2");
        r.add("gateway.backends.fragile.breaker.minimum-calls", () -> "2");
        r.add("gateway.backends.fragile.breaker.open-duration", () -> "1h");
        deployment(r, "fragile-chat", "fragile", "echo", "vllm");

        r.add("gateway.backends.doomed.endpoints[0]", DOOMED::target);
        deployment(r, "doomed-chat", "doomed", "echo", "vllm");

        r.add("gateway.backends.upstream.kind", () -> "openai-http");
        r.add("gateway.backends.upstream.base-url", UPSTREAM::baseUrl);
        r.add("gateway.backends.upstream.api-key", () -> "sk-upstream-secret");
        r.add("gateway.backends.upstream.between-tokens-timeout", () -> "5s");
        deployment(r, "up-chat", "upstream", "fake-model", "auto");
        deployment(r, "up-no-usage", "upstream", "no-usage", "auto");
        deployment(r, "up-breaks", "upstream", "breaks", "auto");
        deployment(r, "up-slow", "upstream", "slow", "auto");
        fleets(r);
        r.add("gateway.backends.upstream-down.kind", () -> "openai-http");
        r.add("gateway.backends.upstream-down.base-url", () -> "http://127.0.0.1:1/v1");
        deployment(r, "up-down", "upstream-down", "fake-model", "auto");
    }

    private static void fleets(DynamicPropertyRegistry r) {
        pool(r, "kill", KILL_POOL);
        r.add("gateway.backends.kill.poll-interval", () -> "200ms");
        deployment(r, "kill-chat", "kill", "echo", "vllm");

        pool(r, "skew", SKEW_POOL);
        deployment(r, "skew-chat", "skew", "echo", "vllm");

        pool(r, "flaky", FLAKY_POOL);
        r.add("gateway.backends.flaky.max-attempts", () -> "2");
        r.add("gateway.backends.flaky.breaker.window-size", () -> "4");
        r.add("gateway.backends.flaky.breaker.minimum-calls", () -> "4");
        r.add("gateway.backends.flaky.breaker.open-duration", () -> "3s");
        r.add("gateway.backends.flaky.breaker.half-open-calls", () -> "2");
        deployment(r, "flaky-chat", "flaky", "echo", "vllm");

        pool(r, "flood", List.of(FLOOD));
        r.add("gateway.backends.flood.max-concurrent-per-replica", () -> "1");
        deployment(r, "flood-chat", "flood", "echo", "vllm");

        pool(r, "cancels", List.of(CANCELS));
        deployment(r, "cancels-chat", "cancels", "echo", "vllm");

        pool(r, "hesitant", List.of(HESITANT));
        deployment(r, "hesitant-chat", "hesitant", "echo", "vllm");
        deployment(r, "up-billed", "upstream", "slow", "auto");

        // The mixed workload of the reconciliation test: priced there and used nowhere else.
        deployment(r, "mix-triton", "contract", "echo", "auto");
        deployment(r, "mix-slow", "cancels", "echo", "vllm");
        deployment(r, "mix-up", "upstream", "fake-model", "auto");
        deployment(r, "mix-up-slow", "upstream", "slow", "auto");
        deployment(r, "mix-down", "upstream-down", "fake-model", "auto");
        deployment(r, "mix-missing", "contract", "no-such-model", "vllm");

        pool(r, "contract", List.of(CONTRACT));
        deployment(r, "contract-vllm", "contract", "echo", "auto");
        deployment(r, "contract-ensemble", "contract", "echo-ensemble", "auto");
    }

    private static void pool(DynamicPropertyRegistry r, String name, List<ModelServer> servers) {
        for (int i = 0; i < servers.size(); i++) {
            ModelServer server = servers.get(i);
            r.add("gateway.backends." + name + ".endpoints[" + i + "]", server::target);
        }
    }

    private static ModelServer server(EchoSettings settings, boolean ensemble) {
        return ModelServer.builder()
                .port(0)
                .embeddings(false)
                .ensemble(ensemble)
                .echoSettings(settings)
                .start();
    }

    private static List<ModelServer> servers(int n, EchoSettings settings, boolean ensemble) {
        return Stream.generate(() -> server(settings, ensemble)).limit(n).toList();
    }

    private static void deployment(
            DynamicPropertyRegistry r, String name, String backend, String model, String layout) {
        r.add("gateway.deployments." + name + ".backend", () -> backend);
        r.add("gateway.deployments." + name + ".model", () -> model);
        r.add("gateway.deployments." + name + ".layout", () -> layout);
        r.add("gateway.deployments." + name + ".chat-template", () -> "plain");
    }
}
