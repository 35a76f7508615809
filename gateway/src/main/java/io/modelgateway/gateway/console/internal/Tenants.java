package io.modelgateway.gateway.console.internal;

import org.springframework.web.reactive.function.server.ServerRequest;

/** Which tenant a page shows: a tenant key's own by default; any named one (the API decides whether it may see it). */
final class Tenants {

    private Tenants() {}

    static String chosen(ServerRequest req, Session s) {
        return req.queryParam("tenant")
                .map(String::trim)
                .filter(t -> !t.isEmpty())
                .orElse(s.tenant());
    }

    /** The tenant field of a page (a GET form). */
    static String picker(Session s, String action, String tenant) {
        return "<form method=\"get\" action=\"" + action
                + "\" class=\"filters\" aria-label=\"Tenant\"><div class=\"field\">"
                + "<label for=\"tenant\">Tenant</label><input id=\"tenant\" name=\"tenant\" value=\"" + Html.esc(tenant)
                + "\"" + (s.role().platform() ? "" : " readonly")
                + "></div><button type=\"submit\">Show</button></form>";
    }
}
