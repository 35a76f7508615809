package io.modelgateway.gateway.deployment;

import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.config.GatewayProperties;
import io.modelgateway.gateway.config.GatewayProperties.DeploymentProperties;
import io.modelgateway.gateway.embedded.EmbeddedModelServer;
import io.modelgateway.gateway.error.ApiException;
import io.modelgateway.inference.ChatTemplate;
import io.modelgateway.inference.TokenCounter;
import io.modelgateway.inference.TritonClient;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/** The deployments this gateway serves, by public name, each bound to a shared client of its backend. */
@Component
public class Deployments implements DisposableBean {

    private final Map<String, TritonClient> clients = new ConcurrentHashMap<>();
    private final Map<String, Deployment> byName;

    public Deployments(GatewayProperties properties, EmbeddedModelServer embedded) {
        Map<String, Deployment> map = new LinkedHashMap<>();
        properties.deployments().forEach((name, p) -> map.put(name, resolve(name, p, embedded)));
        this.byName = Collections.unmodifiableMap(map);
    }

    private Deployment resolve(String name, DeploymentProperties p, EmbeddedModelServer embedded) {
        String target = "embedded".equals(p.backend()) ? embedded.target() : p.backend();
        TritonClient client = clients.computeIfAbsent(target, TritonClient::connect);
        return new Deployment(name, p.kind(), p.model(), client, ChatTemplate.named(p.chatTemplate()),
                TokenCounter.of(p.tokenEncoding()), p.defaultMaxTokens(), p.maxTokensLimit(),
                p.firstTokenTimeout(), p.idleTimeout(), p.requestTimeout(), p.region());
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

    @Override
    public void destroy() {
        clients.values().forEach(TritonClient::close);
    }
}
