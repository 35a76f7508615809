/**
 * The gate: one authorization decision per request, before any handler runs, deny by default.
 *
 * <ol>
 *   <li>{@link io.modelgateway.gateway.auth.GateFilter} (first, before Spring Security) refuses ambiguous paths
 *       with 400 {@code invalid_path} ({@link io.modelgateway.gateway.auth.PathFirewall}) and matches the request
 *       against the {@link io.modelgateway.gateway.auth.RouteTable}, on the decoded path elements the router
 *       matches.</li>
 *   <li>Spring Security validates bearer JWTs ({@link io.modelgateway.gateway.auth.JwtSecurityConfiguration}),
 *       only for requests to routes that are not public.</li>
 *   <li>{@link io.modelgateway.gateway.auth.AuthenticationFilter} checks the API key or the JWT's tenant, then
 *       the {@link io.modelgateway.gateway.auth.Access} of every route the request matched and tenant ownership
 *       of a {@code {tenant}} path variable, and records the {@link io.modelgateway.gateway.auth.Caller}
 *       handlers read. A request no route declares gets 401 without a valid credential and 404 with one.</li>
 * </ol>
 *
 * <h2>Adding a route</h2>
 * Declare its access right after the route, in the router function that registers it:
 * <pre>{@code
 * RouterFunctions.route()
 *         .GET("/admin/v1/widgets/{tenant}", widgets::get).withAttribute(Access.ATTRIBUTE, Access.ADMIN)
 *         .GET("/console/login", console::login).withAttribute(Access.ATTRIBUTE, Access.PUBLIC)
 *         .build();
 * }</pre>
 * <ul>
 *   <li>A declaration belongs to the one route before it. A route without one, a {@code resources(...)}
 *       route, or a predicate with {@code or}/{@code negate} stops the application's start: declare one route
 *       per method and path.</li>
 *   <li>Name a tenant path variable {@code {tenant}}: tenant credentials then reach only their own tenant.</li>
 *   <li>Routes that sign callers in by other means (a console session) declare {@code CONSOLE} (or {@code PUBLIC}) and check their
 *       own sign-in; a new kind of caller is a new {@link io.modelgateway.gateway.auth.Access} value.</li>
 *   <li>Paths served by other handler mappings (the actuator's) are declared in
 *       {@link io.modelgateway.gateway.auth.GateConfiguration}.</li>
 * </ul>
 */
package io.modelgateway.gateway.auth;
