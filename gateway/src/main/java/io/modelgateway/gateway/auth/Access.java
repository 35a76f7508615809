package io.modelgateway.gateway.auth;

import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.tenancy.Credential;
import io.modelgateway.gateway.tenancy.Scope;

/**
 * Who may call a route. Every route declares one, next to the route, as a route attribute:
 * {@code .GET("/admin/v1/tenants", handler).withAttribute(Access.ATTRIBUTE, Access.ADMIN)}. The gate decides
 * once per request, before any handler runs (see {@link RouteTable} and the package documentation).
 *
 * <p>Platform scopes count only on platform credentials (those of no tenant): a tenant credential never
 * passes {@link #FINANCE} or {@link #ADMIN}, whatever scopes it carries. Independently of the access, a
 * tenant credential reaches a route with a {@code {tenant}} path variable only for its own tenant.
 */
public enum Access {

    /** No credential is read (health, the admin API's OpenAPI document). */
    PUBLIC,
    /** A tenant credential with {@code inference}: the OpenAI and Azure endpoints. */
    INFERENCE,
    /**
     * A tenant credential with {@code usage.read} (its own tenant), or a platform credential with
     * {@code finance} or {@code admin} (every tenant): usage, costs, statements, credit balances.
     */
    TENANT_USAGE,
    /** A platform credential with {@code finance} or {@code admin}: grants, closing statements, reconciliation. */
    FINANCE,
    /** A platform credential with {@code admin}: the admin API. */
    ADMIN,
    /**
     * A console page: the gate reads no API credential; the console's one guard admits only a signed-in
     * session (and a CSRF token on every POST), and what a page shows comes from the APIs above, called with
     * the session's credential, so they decide who sees what.
     */
    CONSOLE;

    /** The route attribute that holds a route's access. */
    public static final String ATTRIBUTE = Access.class.getName();

    /** Why this credential may not call a route of this access, or {@code null} if it may. */
    ApiException refusal(Credential c) {
        boolean platform = c.tenantId() == null;
        boolean platformFinance = platform && (c.has(Scope.FINANCE) || c.has(Scope.ADMIN));
        return switch (this) {
            case PUBLIC, CONSOLE -> null;
            case INFERENCE -> !platform && c.has(Scope.INFERENCE) ? null : missing(Scope.INFERENCE);
            case TENANT_USAGE ->
                platformFinance || (!platform && c.has(Scope.USAGE_READ))
                        ? null
                        : missing(platform ? Scope.FINANCE : Scope.USAGE_READ);
            case FINANCE -> platformFinance ? null : missing(Scope.FINANCE);
            case ADMIN -> platform && c.has(Scope.ADMIN) ? null : missing(Scope.ADMIN);
        };
    }

    /** Whether the gate reads no API credential for this access (the route admits callers by other means). */
    boolean readsNoCredential() {
        return this == PUBLIC || this == CONSOLE;
    }

    private static ApiException missing(Scope scope) {
        return ApiException.insufficientScope(scope.value());
    }
}
