package io.modelgateway.gateway.auth;

import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.edge.error.OpenAiErrorHandler;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtIssuerReactiveAuthenticationManagerResolver;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Spring Security's reactive resource server, restricted by its security matcher to requests that carry a
 * JWT bearer: API-key requests never enter the security filter chain (they pay one header check). Each
 * trusted issuer has its own decoder (its JWKS cached and rate-limited, see {@link JwksKeys}) and validators:
 * issuer, audience, {@code exp} (required) and {@code nbf} with the injected {@link Clock}, and the tenants the
 * issuer may name. Failures become OpenAI-shaped 401s without details.
 */
@Configuration(proxyBeanMethods = false)
public class JwtSecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(JwtSecurityConfiguration.class);

    /** One authentication manager per trusted issuer: the resource server's, and the console's OIDC sign-in's. */
    @Bean
    JwtVerifier jwtVerifier(JwtProperties properties, Clock clock) {
        Map<String, ReactiveAuthenticationManager> managers = new HashMap<>();
        JwtClaims claims = new JwtClaims(properties);
        for (JwtProperties.Issuer issuer : properties.issuers()) {
            managers.put(issuer.issuer(), manager(issuer, properties, clock, claims));
        }
        return new JwtVerifier(managers);
    }

    @Bean
    SecurityWebFilterChain jwtSecurityChain(
            ServerHttpSecurity http, JwtVerifier jwtVerifier, OpenAiErrorHandler errors) {
        var resolver = new JwtIssuerReactiveAuthenticationManagerResolver(
                issuer -> Mono.justOrEmpty(jwtVerifier.manager(issuer)));
        ServerAuthenticationEntryPoint refuse = (exchange, e) -> {
            log.debug("bearer JWT refused: {}", e.getMessage());
            return errors.handle(exchange, ApiException.invalidToken());
        };
        return http.securityMatcher(
                        exchange -> AuthHeaders.isJwtRequest(exchange) ? MatchResult.match() : MatchResult.notMatch())
                .authorizeExchange(a -> a.anyExchange().authenticated())
                .oauth2ResourceServer(
                        o -> o.authenticationManagerResolver(resolver).authenticationEntryPoint(refuse))
                .exceptionHandling(e -> e.authenticationEntryPoint(refuse))
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .headers(ServerHttpSecurity.HeaderSpec::disable)
                .requestCache(c -> c.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .build();
    }

    private static ReactiveAuthenticationManager manager(
            JwtProperties.Issuer issuer, JwtProperties properties, Clock clock, JwtClaims claims) {
        JwksKeys keys = new JwksKeys(
                issuer.jwksUri(),
                properties.jwksCacheTtl(),
                properties.jwksMinRefreshInterval(),
                Schedulers.boundedElastic());
        NimbusReactiveJwtDecoder decoder =
                NimbusReactiveJwtDecoder.withJwkSource(keys).build();
        JwtTimestampValidator time = new JwtTimestampValidator(properties.clockSkew());
        time.setClock(clock);
        time.setAllowEmptyExpiryClaim(false);
        OAuth2TokenValidator<Jwt> audience = new JwtClaimValidator<java.util.List<String>>(
                "aud", aud -> aud != null && aud.stream().anyMatch(issuer.audiences()::contains));
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                time, new JwtIssuerValidator(issuer.issuer()), audience, claims.boundTo(issuer)));
        JwtReactiveAuthenticationManager manager = new JwtReactiveAuthenticationManager(decoder);
        manager.setJwtAuthenticationConverter(jwt -> Mono.just(new JwtCallerToken(claims.credential(jwt))));
        // An unreachable JWKS endpoint surfaces as IllegalStateException: make it a service failure (503),
        // not a bad token (401) and not an unexpected error (500).
        return authentication -> manager.authenticate(authentication)
                .onErrorMap(
                        e -> !(e instanceof AuthenticationException),
                        e -> new AuthenticationServiceException("could not validate the token: " + e.getMessage(), e));
    }
}
