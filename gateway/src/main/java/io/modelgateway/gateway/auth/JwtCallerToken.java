package io.modelgateway.gateway.auth;

import io.modelgateway.gateway.tenancy.Credential;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/** A validated JWT, reduced to the {@link Credential} it stands for (tenant claim and mapped scopes). */
final class JwtCallerToken extends AbstractAuthenticationToken {

    private final Credential credential;

    JwtCallerToken(Credential credential) {
        super(List.of());
        this.credential = credential;
        setAuthenticated(true);
    }

    Credential credential() {
        return credential;
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public Object getPrincipal() {
        return credential.id();
    }
}
