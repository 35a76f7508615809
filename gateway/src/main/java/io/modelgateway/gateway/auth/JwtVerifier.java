package io.modelgateway.gateway.auth;

import com.nimbusds.jwt.JWTParser;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.tenancy.Credential;
import java.text.ParseException;
import java.util.Map;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import reactor.core.publisher.Mono;

/**
 * The API's JWT check, for the console's OIDC sign-in: one authentication manager per trusted issuer (the very
 * ones the resource server uses), chosen by the token's {@code iss} as the resource server chooses it.
 */
public final class JwtVerifier {

    private final Map<String, ReactiveAuthenticationManager> managers;

    JwtVerifier(Map<String, ReactiveAuthenticationManager> managers) {
        this.managers = Map.copyOf(managers);
    }

    ReactiveAuthenticationManager manager(String issuer) {
        return managers.get(issuer);
    }

    /** The credential a JWT stands for; errors with 401 {@code invalid_token} when the API would refuse it. */
    public Mono<Credential> verify(String token) {
        ReactiveAuthenticationManager manager;
        try {
            manager = managers.get(JWTParser.parse(token).getJWTClaimsSet().getIssuer());
        } catch (ParseException | RuntimeException e) {
            return Mono.error(ApiException.invalidToken());
        }
        if (manager == null) {
            return Mono.error(ApiException.invalidToken());
        }
        return manager.authenticate(new BearerTokenAuthenticationToken(token))
                .cast(JwtCallerToken.class)
                .map(JwtCallerToken::credential)
                .onErrorMap(e -> !(e instanceof ApiException), e -> ApiException.invalidToken());
    }
}
