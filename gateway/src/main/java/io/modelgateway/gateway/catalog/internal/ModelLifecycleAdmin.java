package io.modelgateway.gateway.catalog.internal;

import io.modelgateway.gateway.catalog.internal.ModelLoads.State;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.inference.ModelStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /admin/v1/deployments/{deployment}/load} and {@code .../unload} for a deployment on a Triton pool
 * in explicit model-control mode. Load: the deployment stops taking calls (503 {@code model_loading}), its
 * model is loaded on every replica of the pool, each replica's RepositoryIndex must say READY, and only then
 * is it live again. Unload: new calls get 503 {@code model_unloading}, the calls in flight end (at most the
 * deployment's request timeout), then the model is unloaded on every replica; calls get 503
 * {@code model_not_loaded} until the next load. The gate is shared with every replica ({@link ModelLoads#share}).
 */
public final class ModelLifecycleAdmin {

    static final Duration LOAD_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration DRAIN_POLL = Duration.ofMillis(20);

    private final Deployments deployments;
    private final ModelLoads loads;

    public ModelLifecycleAdmin(Deployments deployments, ModelLoads loads) {
        this.deployments = deployments;
        this.loads = loads;
    }

    public Mono<ServerResponse> load(ServerRequest req) {
        Deployment d = triton(req.pathVariable("deployment"));
        Optional<State> before = loads.state(d.name());
        if (!loads.begin(d.name(), State.LOADING)) {
            return Mono.error(busy(d.name()));
        }
        return loads.share(d.name())
                .then(Mono.fromFuture(() -> d.backend().loadModel(d.model(), LOAD_TIMEOUT)))
                .doOnNext(states -> loads.live(d.name()))
                .flatMap(states -> loads.share(d.name()).thenReturn(states))
                .onErrorResume(e -> {
                    before.ifPresentOrElse(s -> loads.set(d.name(), s), () -> loads.live(d.name()));
                    return shareQuietly(d)
                            .then(Mono.error(ApiException.of(
                                    HttpStatus.BAD_GATEWAY,
                                    "server_error",
                                    null,
                                    "model_load_failed",
                                    "Loading model '" + d.model() + "' of deployment '" + d.name() + "' failed: "
                                            + cause(e).getMessage())));
                })
                .flatMap(states -> respond(d, "live", states));
    }

    public Mono<ServerResponse> unload(ServerRequest req) {
        Deployment d = triton(req.pathVariable("deployment"));
        if (!loads.begin(d.name(), State.UNLOADING)) {
            return Mono.error(busy(d.name()));
        }
        Mono<Long> drained = Flux.interval(Duration.ZERO, DRAIN_POLL)
                .filter(t -> loads.inFlight(d.name()) == 0)
                .next()
                .timeout(d.requestTimeout(), Mono.just(0L));
        return loads.share(d.name())
                .then(drained)
                .then(Mono.fromFuture(() -> d.backend().unloadModel(d.model(), LOAD_TIMEOUT)))
                .then(Mono.fromRunnable(() -> loads.set(d.name(), State.UNLOADED)))
                .then(Mono.defer(() -> loads.share(d.name())))
                .onErrorResume(e -> {
                    loads.set(d.name(), State.UNLOADED);
                    return shareQuietly(d)
                            .then(Mono.error(ApiException.of(
                                    HttpStatus.BAD_GATEWAY,
                                    "server_error",
                                    null,
                                    "model_unload_failed",
                                    "Unloading model '" + d.model() + "' of deployment '" + d.name() + "' failed: "
                                            + cause(e).getMessage())));
                })
                .then(Mono.defer(() -> respond(d, State.UNLOADED.value(), Map.of())));
    }

    /** Stores the gate after a failure; a store that cannot be reached is healed by the next change. */
    private Mono<Void> shareQuietly(Deployment d) {
        return loads.share(d.name()).onErrorResume(e -> Mono.empty());
    }

    private Deployment triton(String name) {
        if (deployments.definition(name).isEmpty()) {
            throw ApiException.notFound("deployment", name);
        }
        Deployment d = deployments.require(name);
        if (d.proxied()) {
            throw ApiException.invalid(
                    "deployment",
                    "invalid_value",
                    "Deployment '" + name
                            + "' is served by an HTTP upstream; only a Triton pool's models are loaded and unloaded.");
        }
        return d;
    }

    private static ApiException busy(String name) {
        return ApiException.conflict("deployment", "A load or unload of deployment '" + name + "' is under way.");
    }

    private static Throwable cause(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private static Mono<ServerResponse> respond(Deployment d, String state, Map<String, ModelStatus> replicas) {
        List<Map<String, Object>> list = new ArrayList<>();
        replicas.forEach((target, s) -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("target", target);
            r.put("state", s.state());
            r.put("version", s.version());
            list.add(r);
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("object", "deployment.model");
        body.put("id", d.name());
        body.put("model", d.model());
        body.put("state", state);
        body.put("replicas", list);
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    }
}
