package io.modelgateway.gateway.embedded;

import io.modelgateway.gateway.config.GatewayProperties;
import io.modelgateway.gateway.config.GatewayProperties.EmbeddedModelServerProperties;
import io.modelgateway.modelserver.EchoSettings;
import io.modelgateway.modelserver.ModelServer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The embedded default's model server, started in-process on a loopback port: the gateway still talks
 * to it over real gRPC, exactly as it talks to Triton.
 */
@Component
public class EmbeddedModelServer implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedModelServer.class);

    private final @Nullable ModelServer server; // null: disabled

    public EmbeddedModelServer(GatewayProperties properties) {
        EmbeddedModelServerProperties p = properties.embeddedModelServer();
        if (!p.enabled()) {
            this.server = null;
            return;
        }
        this.server = ModelServer.builder()
                .host("127.0.0.1")
                .port(p.port())
                .echoSettings(new EchoSettings(p.timeToFirstToken(), p.tokensPerSecond()))
                .embeddings(p.embeddings())
                .deferEmbeddings(true)
                .start();
        log.info("embedded model server listening on {}", server.target());
    }

    /**
     * Loads the embedding model once the gateway is ready, so its two seconds of CPU do not delay the first
     * answer; until then the embeddings deployment answers 503 (model not ready) with {@code retry-after}.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void loadEmbeddings() {
        if (server != null) {
            server.loadEmbeddings();
        }
    }

    /** The gRPC target of the embedded server. */
    public String target() {
        if (server == null) {
            throw new IllegalStateException(
                    "a deployment uses backend 'embedded' but gateway.embedded-model-server.enabled is false");
        }
        return server.target();
    }

    public boolean enabled() {
        return server != null;
    }

    @Override
    public void destroy() {
        if (server != null) {
            server.close();
        }
    }
}
