package io.modelgateway.gateway.console.internal;

import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** The console's HTML: escaping, the page frame (headings, navigation, landmarks) and small building blocks. */
public final class Html {

    private static final MediaType HTML = MediaType.parseMediaType("text/html;charset=UTF-8");

    private Html() {}

    static String esc(Object value) {
        if (value == null) {
            return "";
        }
        String s = value.toString();
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A whole page: navigation for the session's role (none before sign-in), a {@code main} with one h1. */
    static String page(String title, Session s, String body, boolean chart) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>")
                .append(esc(title))
                .append(" · Model gateway console</title>")
                .append("<link rel=\"stylesheet\" href=\"/console/assets/console.css\">");
        if (chart) {
            b.append("<link rel=\"stylesheet\" href=\"/console/assets/uplot/uPlot.min.css\">")
                    .append("<script defer src=\"/console/assets/uplot/uPlot.iife.min.js\"></script>");
        }
        b.append("<script defer src=\"/console/assets/console.js\"></script></head><body>")
                .append(
                        "<a class=\"skip\" href=\"#main\">Skip to content</a><header><p class=\"brand\">Model gateway console</p>");
        if (s != null) {
            b.append(nav(s));
        }
        b.append("</header><main id=\"main\"><h1>")
                .append(esc(title))
                .append("</h1>")
                .append(body)
                .append("</main></body></html>");
        return b.toString();
    }

    private static String nav(Session s) {
        StringBuilder b = new StringBuilder("<nav aria-label=\"Console\"><ul>");
        link(b, "/console/overview", "Overview");
        link(b, "/console/usage", "Usage and costs");
        link(b, "/console/credits", "Credits");
        link(b, "/console/statements", "Statements");
        link(b, "/console/catalog", "Catalog");
        if (s.role() == Role.ADMIN) {
            link(b, "/console/fleet", "Fleet");
            link(b, "/console/tenants", "Tenants and keys");
        }
        b.append("</ul><form method=\"post\" action=\"/console/sign-out\" class=\"sign-out\">")
                .append(csrf(s))
                .append("<span class=\"who\">")
                .append(esc(s.role().label()))
                .append(s.tenant() == null ? "" : " · " + esc(s.tenant()))
                .append("</span>")
                .append("<button type=\"submit\" id=\"sign-out\">Sign out</button></form></nav>");
        return b.toString();
    }

    private static void link(StringBuilder b, String href, String text) {
        b.append("<li><a href=\"").append(href).append("\">").append(esc(text)).append("</a></li>");
    }

    static String csrf(Session s) {
        return "<input type=\"hidden\" name=\"" + Guard.CSRF_FIELD + "\" value=\"" + esc(s.csrf()) + "\">";
    }

    static String alert(String message) {
        return message == null ? "" : "<p class=\"alert\" role=\"alert\">" + esc(message) + "</p>";
    }

    static String notice(String message) {
        return message == null || message.isBlank()
                ? ""
                : "<p class=\"notice\" role=\"status\">" + esc(message) + "</p>";
    }

    /** A table with a caption, header cells and already-escaped cells; {@code id} names it for tests and links. */
    static String table(String id, String caption, List<String> headers, List<List<String>> rows) {
        StringBuilder b = new StringBuilder("<div class=\"scroll\"><table id=\"")
                .append(esc(id))
                .append("\"><caption>")
                .append(esc(caption))
                .append("</caption><thead><tr>");
        for (String h : headers) {
            b.append("<th scope=\"col\">").append(esc(h)).append("</th>");
        }
        b.append("</tr></thead><tbody>");
        if (rows.isEmpty()) {
            b.append("<tr><td colspan=\"").append(headers.size()).append("\">Nothing to show.</td></tr>");
        }
        for (List<String> row : rows) {
            b.append("<tr>");
            for (String cell : row) {
                b.append("<td>").append(cell).append("</td>");
            }
            b.append("</tr>");
        }
        return b.append("</tbody></table></div>").toString();
    }

    static Mono<ServerResponse> ok(String html) {
        return respond(HttpStatus.OK, html);
    }

    static Mono<ServerResponse> respond(HttpStatus status, String html) {
        return ServerResponse.status(status)
                .contentType(HTML)
                .cacheControl(CacheControl.noStore())
                .bodyValue(html);
    }

    /** A page that failed for a reason of ours (logged by the caller). */
    public static Mono<ServerResponse> failed() {
        return respond(
                HttpStatus.INTERNAL_SERVER_ERROR,
                page(
                        "Something went wrong",
                        null,
                        alert(
                                        "The page could not be built. Try again; if it keeps failing, the gateway's log says why.")
                                + "<p><a href=\"/console/overview\">Overview</a></p>",
                        false));
    }

    static Mono<ServerResponse> refused(HttpStatus status, String message) {
        return respond(
                status,
                page("Refused", null, alert(message) + "<p><a href=\"/console/sign-in\">Sign in</a></p>", false));
    }
}
