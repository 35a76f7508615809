package io.modelgateway.gateway.deployment.internal;

import io.modelgateway.gateway.config.GatewayProperties.Kind;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.deployment.Deployments;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads the tensor layout of every Triton chat deployment with {@code layout: auto} at startup, and again
 * whenever its model becomes ready after being unready (it may have been redeployed with other tensors). The
 * checks use the pools' polled readiness, so they cost no call to a backend while nothing changes.
 */
@Component
public class LayoutWatcher implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LayoutWatcher.class);
    static final Duration CHECK_EVERY = Duration.ofSeconds(2);

    private final Deployments deployments;
    private final Map<String, Boolean> wasReady = new ConcurrentHashMap<>();
    private final Disposable checks;

    public LayoutWatcher(Deployments deployments) {
        this.deployments = deployments;
        chatOnPools().forEach(d -> detect(d, "startup"));
        this.checks = Flux.interval(CHECK_EVERY, CHECK_EVERY)
                .onBackpressureDrop()
                .concatMap(tick -> Flux.fromIterable(chatOnPools()).flatMap(this::check), 1)
                .subscribe();
    }

    private Iterable<Deployment> chatOnPools() {
        return deployments.all().stream()
                .filter(d -> !d.proxied() && d.kind() == Kind.CHAT)
                .toList();
    }

    private Mono<Void> check(Deployment d) {
        return Mono.fromFuture(() -> d.backend().modelReady(d.model()))
                .onErrorReturn(false)
                .doOnNext(ready -> {
                    Boolean before = wasReady.put(d.name(), ready);
                    if (ready && Boolean.FALSE.equals(before)) {
                        detect(d, "recovery");
                    }
                })
                .then();
    }

    private void detect(Deployment d, String why) {
        d.backend().redetectLayout(d.model()).whenComplete((layout, error) -> {
            if (error != null) {
                log.warn(
                        "layout of deployment '{}' (model '{}') not known at {}: {}",
                        d.name(),
                        d.model(),
                        why,
                        error.getMessage());
            } else {
                log.info(
                        "deployment '{}' (model '{}') uses the {} layout ({})",
                        d.name(),
                        d.model(),
                        layout.kind(),
                        why);
            }
        });
    }

    @Override
    public void destroy() {
        checks.dispose();
    }
}
