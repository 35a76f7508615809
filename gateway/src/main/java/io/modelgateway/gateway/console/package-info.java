/**
 * The web console at {@code /console}: server-rendered pages for finance, ops and tenants. Every number it
 * shows comes from the gateway's documented APIs, called over loopback HTTP with the signed-in credential,
 * so the APIs decide who sees what. All routes are in {@link ConsoleRoutes#consoleRouter}; the session and
 * CSRF check is one filter on them.
 */
package io.modelgateway.gateway.console;
