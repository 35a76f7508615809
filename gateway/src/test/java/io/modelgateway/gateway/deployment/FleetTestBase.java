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
    static final List<ModelServer> REPLICAS = Stream.generate(() -> ModelServer.builder().port(0).embeddings(false)
            .ensemble(true).echoSettings(new EchoSettings(Duration.ZERO, 0)).start()).limit(3).toList();

    /** One slow replica that takes one call at a time: the second concurrent call overflows its bulkhead. */
    static final ModelServer NARROW = ModelServer.builder().port(0).embeddings(false)
            .echoSettings(new EchoSettings(Duration.ZERO, 20)).start();

    /** One replica whose breaker opens after two failures. */
    static final ModelServer FRAGILE = ModelServer.builder().port(0).embeddings(false).start();

    /** A slow replica that is shut down mid-stream. */
    static final ModelServer DOOMED = ModelServer.builder().port(0).embeddings(false)
            .echoSettings(new EchoSettings(Duration.ZERO, 20)).start();

    static final FakeOpenAi UPSTREAM = new FakeOpenAi();

    @DynamicPropertySource
    static void fleet(DynamicPropertyRegistry r) {
        for (int i = 0; i < REPLICAS.size(); i++) {
            int n = i;
            r.add("gateway.backends.fleet.endpoints[" + i + "]", () -> REPLICAS.get(n).target());
        }
        r.add("gateway.backends.fleet.poll-interval", () -> "100ms");
        // Failures injected in tests must not open these breakers (the fragile backend tests the breaker).
        r.add("gateway.backends.fleet.breaker.window-size", () -> "1000");
        r.add("gateway.backends.fleet.breaker.minimum-calls", () -> "1000");
        deployment(r, "fleet-chat", "fleet", "echo", "auto");
        deployment(r, "fleet-ensemble", "fleet", "echo-ensemble", "auto");

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
        r.add("gateway.backends.upstream-down.kind", () -> "openai-http");
        r.add("gateway.backends.upstream-down.base-url", () -> "http://127.0.0.1:1/v1");
        deployment(r, "up-down", "upstream-down", "fake-model", "auto");
    }

    private static void deployment(DynamicPropertyRegistry r, String name, String backend, String model, String layout) {
        r.add("gateway.deployments." + name + ".backend", () -> backend);
        r.add("gateway.deployments." + name + ".model", () -> model);
        r.add("gateway.deployments." + name + ".layout", () -> layout);
        r.add("gateway.deployments." + name + ".chat-template", () -> "plain");
    }
}
