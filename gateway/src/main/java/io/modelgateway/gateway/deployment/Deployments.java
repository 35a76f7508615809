package io.modelgateway.gateway.deployment;

import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.config.BackendsProperties;
import io.modelgateway.gateway.config.GatewayProperties;
import io.modelgateway.gateway.config.GatewayProperties.DeploymentProperties;
import io.modelgateway.gateway.deployment.internal.BackendsFactory;
import io.modelgateway.gateway.embedded.EmbeddedModelServer;
import io.modelgateway.gateway.error.ApiException;
import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.ChatTemplate;
import io.modelgateway.inference.TokenCounter;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The deployments this gateway serves, by public name, each bound to its backend: a pool of Triton replicas
 * (shared by the deployments on the same backend) or an OpenAI-compatible HTTP upstream. Pools are closed
 * last at shutdown, after the web server's graceful drain let the calls in flight finish.
 */
@Component
public class Deployments implements DisposableBean {

    private final Map<String, BackendPool> pools;
    private final Map<String, Deployment> byName;

    public Deployments(GatewayProperties properties, BackendsProperties backends, EmbeddedModelServer embedded) {
        BackendsFactory factory = new BackendsFactory(backends.backends(), embedded::target);
        Map<String, String> poolOf = new LinkedHashMap<>();
        properties.deployments().forEach((name, p) -> poolOf.put(name, factory.plan(name, p)));
        this.pools = Collections.unmodifiableMap(factory.build());
        Map<String, Deployment> map = new LinkedHashMap<>();
        properties.deployments().forEach((name, p) -> {
            String pool = poolOf.get(name);
            map.put(name, resolve(name, p, pool == null ? null : pools.get(pool),
                    pool == null ? factory.upstream(p) : null));
        });
        this.byName = Collections.unmodifiableMap(map);
    }

    private static Deployment resolve(String name, DeploymentProperties p, BackendPool pool, HttpUpstream upstream) {
        return new Deployment(name, p.kind(), p.model(), pool, ChatTemplate.named(p.chatTemplate()),
                TokenCounter.of(p.tokenEncoding()), p.defaultMaxTokens(), p.maxTokensLimit(),
                p.firstTokenTimeout(), p.idleTimeout(), p.requestTimeout(), upstream);
    }

    /** The deployment named {@code name}, or a 404 in OpenAI's shape. */
    public Deployment require(String name) {
        Deployment d = byName.get(name);
        if (d == null) {
            throw ApiException.modelNotFound(name);
        }
        return d;
    }

    /**
     * The deployment named {@code name} if the caller's tenant may use it. A deployment the tenant may not
     * use gets the same 404 as one that does not exist, so its existence is not revealed.
     */
    public Deployment require(String name, Caller caller) {
        if (caller == null || !caller.mayUse(name)) {
            throw ApiException.modelNotFound(name);
        }
        return require(name);
    }

    public Collection<Deployment> all() {
        return byName.values();
    }

    /** The Triton pools by name ({@code gateway.backends} name, endpoint list, or {@code embedded}). */
    public Map<String, BackendPool> pools() {
        return pools;
    }

    @Override
    public void destroy() {
        pools.values().forEach(BackendPool::close);
    }
}
