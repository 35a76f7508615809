package io.modelgateway.gateway.console;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Console settings ({@code gateway.console.*}).
 *
 * @param sessionStore where sessions live: {@code auto} (Redis when {@code redis-url} is set, else the database
 *        when it is not the embedded H2, else this replica's memory), or {@code memory}, {@code redis},
 *        {@code database}
 * @param redisUrl the Redis that holds sessions shared by the replicas ({@code redis://host:6379}); blank = none
 * @param sessionSecret encrypts what a shared session holds (the signed-in key) with AES-GCM; required, at least
 *        32 characters, and the same on every replica when sessions are shared (Redis or database)
 */
@Validated
@ConfigurationProperties("gateway.console")
public record ConsoleProperties(
        @DefaultValue("auto") @NotNull SessionStoreKind sessionStore,
        @DefaultValue("") @NotNull String redisUrl,
        @DefaultValue("") @NotNull String sessionSecret) {

    /** Where console sessions live. */
    public enum SessionStoreKind {
        AUTO, MEMORY, REDIS, DATABASE
    }

    /** The store {@code auto} resolves to on a database with this JDBC URL. */
    public SessionStoreKind resolved(String jdbcUrl) {
        if (sessionStore != SessionStoreKind.AUTO) {
            return sessionStore;
        }
        if (!redisUrl.isBlank()) {
            return SessionStoreKind.REDIS;
        }
        return jdbcUrl == null || jdbcUrl.startsWith("jdbc:h2:") ? SessionStoreKind.MEMORY : SessionStoreKind.DATABASE;
    }
}
