package io.modelgateway.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.GatewayTestBase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import reactor.core.publisher.Mono;

/**
 * Every route the running gateway registers, checked over HTTP: no credential gives 401, a credential
 * without the route's scope 403, a tenant credential reaches only its own tenant's {@code {tenant}}, and
 * the right credential gets past the gate (GET routes only: the others would change state).
 */
class RouteTableEndToEndTest extends GatewayTestBase {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @Autowired
    private RouteTable table;

    @Autowired
    private ApplicationContext context;

    private static String a;
    private static String b;
    private static String aFull;
    private static String aInference;
    private static String aUsage;
    private static String finance;

    @BeforeEach
    void tenantsAndKeys() {
        if (a != null) {
            return;
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        a = "gate-a-" + run;
        b = "gate-b-" + run;
        admin().createTenant(a, "echo");
        admin().createTenant(b, "echo");
        aFull = admin().issueKey(a);
        aInference = admin().issueKey(a, "{\"name\":\"i\",\"scopes\":[\"inference\"]}");
        aUsage = admin().issueKey(a, "{\"name\":\"u\",\"scopes\":[\"usage.read\"]}");
        finance = admin().expect(201, "POST", "/keys", "{\"name\":\"fin\",\"scopes\":[\"finance\"]}")
                .get("key")
                .asString();
    }

    @Test
    void everyRegisteredRouteHasADeclaration() {
        int registered = 0;
        for (RouterFunction<?> router :
                context.getBeansOfType(RouterFunction.class).values()) {
            Counter counter = new Counter();
            router.accept(counter);
            registered += counter.routes;
        }
        List<RouteTable.Route> declared = table.routes().stream()
                .filter(r -> !r.source().equals("actuator") && !r.source().equals("probes"))
                .toList();
        assertThat(registered).isGreaterThan(50).isEqualTo(declared.size());
        // No other kind of route: no annotated controllers, no Spring Cloud Gateway routes from configuration.
        context.getBeansOfType(RequestMappingHandlerMapping.class)
                .values()
                .forEach(m -> assertThat(m.getHandlerMethods())
                        .as("@RequestMapping handlers")
                        .isEmpty());
        context.getBeanProvider(RouteLocator.class)
                .forEach(locator -> assertThat(locator.getRoutes().collectList().block(Duration.ofSeconds(5)))
                        .as("gateway routes")
                        .isEmpty());
        // The actuator's endpoints on this port: declared ones answer without a credential, the rest are refused.
        context.getBean(PathMappedEndpoints.class).getAllRootPaths().forEach(root -> {
            String path = "/"
                    + context.getEnvironment()
                            .getProperty("management.endpoints.web.base-path", "actuator")
                            .replaceFirst("^/", "")
                    + "/" + root;
            boolean declaredPublic = table
                    .match(
                            HttpMethod.GET,
                            org.springframework.http.server.RequestPath.parse(path, null)
                                    .pathWithinApplication())
                    .stream()
                    .anyMatch(r -> r.access() == Access.PUBLIC);
            int status = send("GET", path, null).statusCode();
            assertThat(status)
                    .as(path)
                    .satisfies(s ->
                            assertThat(declaredPublic ? s != 401 : s == 401).isTrue());
        });
        assertThat(send("GET", "/actuator/env", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/no/such/path", null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/no/such/path", aFull).statusCode()).isEqualTo(404);
    }

    @Test
    void everyRouteAdmitsOnlyTheCredentialsItDeclares() {
        List<String> failures = new ArrayList<>();
        List<RouteTable.Route> routes = table.routes().stream()
                .filter(r -> !r.source().equals("actuator") && !r.source().equals("probes"))
                .toList();
        for (RouteTable.Route route : routes) {
            String method = route.methods().isEmpty()
                    ? "DELETE"
                    : route.methods().iterator().next().name();
            String pattern = route.pattern().getPatternString();
            String own = path(pattern, a);
            if (route.access() == Access.PUBLIC) {
                // no credential is asked for (what the route then answers is its own business)
                int status = send(method, own, null).statusCode();
                if (status == 401 || status == 403 && !own.startsWith("/console/")) {
                    failures.add(route + ": a public route asked for a credential: " + status);
                }
                continue;
            }
            if (route.access() == Access.CONSOLE) {
                // the console's guard: without a session a page view goes to sign-in, anything else is refused,
                // and an API key is no session
                for (String credential : java.util.Arrays.asList(null, ADMIN_KEY)) {
                    int status = send(method, own, credential).statusCode();
                    int expected = method.equals("GET") ? 303 : 403;
                    if (status != expected) {
                        failures.add(route + ": " + method + " " + own + " without a console session -> " + status
                                + " (expected " + expected + ")");
                    }
                }
                continue;
            }
            expect(failures, route, method, own, null, 401);
            for (String wrong : wrongCredentials(route.access())) {
                expect(failures, route, method, own, wrong, 403);
            }
            if (pattern.contains("{tenant}")) {
                expect(
                        failures,
                        route,
                        method,
                        path(pattern, b),
                        route.access() == Access.TENANT_USAGE ? aUsage : aFull,
                        403);
            }
            if (method.equals("GET")) {
                for (String right : rightCredentials(route.access())) {
                    HttpResponse<String> r = send(method, own, right);
                    if (r.statusCode() == 401
                            || r.statusCode() == 403
                            || r.body().contains("Unknown request URL")) {
                        failures.add(route + ": the right credential got " + r.statusCode() + " " + r.body());
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    private List<String> wrongCredentials(Access access) {
        return switch (access) {
            case INFERENCE -> List.of(aUsage, finance, ADMIN_KEY);
            case TENANT_USAGE -> List.of(aInference);
            case FINANCE -> List.of(aFull);
            case ADMIN -> List.of(aFull, finance);
            case PUBLIC, CONSOLE -> List.of();
        };
    }

    private List<String> rightCredentials(Access access) {
        return switch (access) {
            case INFERENCE -> List.of(aFull);
            case TENANT_USAGE -> List.of(aUsage, finance, ADMIN_KEY);
            case FINANCE -> List.of(finance, ADMIN_KEY);
            case ADMIN -> List.of(ADMIN_KEY);
            case PUBLIC, CONSOLE -> List.of();
        };
    }

    /** A concrete path for a pattern: the tenant given, existing names for the other variables. */
    static String path(String pattern, String tenant) {
        return pattern.replace("{tenant}", tenant)
                .replace("{deployment}", "echo")
                .replace("{key}", "key_none")
                .replace("{period}", "2020-03")
                .replaceAll("\\{\\*\\w+}", "echo")
                .replace("/**", "/x")
                .replaceAll("\\{\\w+}", "x");
    }

    private void expect(
            List<String> failures, RouteTable.Route route, String method, String path, String credential, int status) {
        HttpResponse<String> r = send(method, path, credential);
        if (r.statusCode() != status) {
            failures.add(route + ": " + method + " " + path + (credential == null ? " without credential" : "") + " -> "
                    + r.statusCode() + " (expected " + status + ") " + r.body());
        } else if (status >= 400 && !r.body().contains("\"error\"")) {
            failures.add(route + ": not an OpenAI error: " + r.body());
        }
    }

    private HttpResponse<String> send(String method, String path, String credential) {
        boolean body = Map.of("POST", 1, "PUT", 1, "PATCH", 1).containsKey(method);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        if (body) {
            request.header("Content-Type", "application/json");
        }
        if (credential != null) {
            request.header("Authorization", "Bearer " + credential);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(
                    method + " " + path + (credential == null ? " without credential" : ""), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Counts the routes a router function registers, independently of the route table's reader. */
    private static final class Counter implements RouterFunctions.Visitor {

        int routes;

        @Override
        public void startNested(RequestPredicate predicate) {}

        @Override
        public void endNested(RequestPredicate predicate) {}

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
            routes++;
        }

        @Override
        public void resources(java.util.function.Function<ServerRequest, Mono<Resource>> lookupFunction) {
            routes++;
        }

        @Override
        public void attributes(Map<String, Object> attributes) {}

        @Override
        public void unknown(RouterFunction<?> routerFunction) {
            routes++;
        }
    }
}
