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
 * @param oidc sign-in with an OpenID Connect provider (authorization code with PKCE); off while its issuer is blank
 */
@Validated
@ConfigurationProperties("gateway.console")
public record ConsoleProperties(
        @DefaultValue("auto") @NotNull SessionStoreKind sessionStore,
        @DefaultValue("") @NotNull String redisUrl,
        @DefaultValue("") @NotNull String sessionSecret,
        @DefaultValue @NotNull Oidc oidc) {

    /**
     * The console's OIDC client.
     *
     * @param issuer the provider's issuer: one of {@code gateway.jwt.issuers}, whose checks the tokens pass
     * @param authorizationUri its authorization endpoint
     * @param tokenUri its token endpoint
     * @param clientId the console's client id there (a public client; PKCE protects the code)
     * @param clientSecret the client secret, for providers that require one; blank = none
     * @param scope the scopes asked for
     * @param redirectUri where the provider sends the browser back ({@code .../console/oidc/callback}); blank =
     *        this request's origin
     */
    public record Oidc(
            @DefaultValue("") @NotNull String issuer,
            @DefaultValue("") @NotNull String authorizationUri,
            @DefaultValue("") @NotNull String tokenUri,
            @DefaultValue("") @NotNull String clientId,
            @DefaultValue("") @NotNull String clientSecret,
            @DefaultValue("openid") @NotNull String scope,
            @DefaultValue("") @NotNull String redirectUri) {

        public boolean enabled() {
            return !issuer.isBlank();
        }
    }

    /** Where console sessions live. */
    public enum SessionStoreKind {
        AUTO,
        MEMORY,
        REDIS,
        DATABASE
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
