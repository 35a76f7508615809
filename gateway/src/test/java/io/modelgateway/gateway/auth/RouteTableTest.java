package io.modelgateway.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.RequestPath;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

class RouteTableTest {

    private static final HandlerFunction<ServerResponse> OK =
            req -> ServerResponse.ok().build();

    @Test
    void aRouteWithoutDeclarationStopsTheApplicationsStart() {
        new ApplicationContextRunner()
                .withUserConfiguration(GateConfiguration.class, Routers.class)
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .rootCause()
                            .hasMessageContaining("undeclaredRouter")
                            .hasMessageContaining("/undeclared")
                            .hasMessageContaining("declares no access")
                            .hasMessageNotContaining("/declared ");
                });
    }

    @Test
    void aDeclarationBelongsToTheOneRouteBeforeIt() {
        RouterFunction<ServerResponse> router = RouterFunctions.route()
                .GET("/a", OK)
                .withAttribute(Access.ATTRIBUTE, Access.ADMIN)
                .GET("/b", OK)
                .build();
        assertThatThrownBy(() -> RouteTable.of(Map.of("r", router), List.of()))
                .hasMessageContaining("/b")
                .hasMessageNotContaining("/a");
    }

    @Test
    void alternativesAndNegationsAreRefusedBecauseTheyCouldWidenARoute() {
        RouterFunction<ServerResponse> or = RouterFunctions.route()
                .route(GET("/a").or(GET("/b")), OK)
                .withAttribute(Access.ATTRIBUTE, Access.PUBLIC)
                .build();
        RouterFunction<ServerResponse> not = RouterFunctions.route()
                .route(GET("/a").negate(), OK)
                .withAttribute(Access.ATTRIBUTE, Access.PUBLIC)
                .build();
        assertThatThrownBy(() -> RouteTable.of(Map.of("r", or), List.of())).hasMessageContaining("or");
        assertThatThrownBy(() -> RouteTable.of(Map.of("r", not), List.of())).hasMessageContaining("negation");
    }

    @Test
    void nestedRoutesGetTheirPrefixAndFilteredRoutersAreRead() {
        RouterFunction<ServerResponse> router = RouterFunctions.route()
                .path("/n", b -> b.GET("/x", OK).withAttribute(Access.ATTRIBUTE, Access.FINANCE))
                .POST("/y/{tenant}", OK)
                .withAttribute(Access.ATTRIBUTE, Access.TENANT_USAGE)
                .filter((req, next) -> next.handle(req))
                .build();
        RouteTable table = RouteTable.of(Map.of("r", router), List.of());
        assertThat(table.routes())
                .extracting(r -> r.pattern().getPatternString(), RouteTable.Route::access)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("/n/x", Access.FINANCE),
                        org.assertj.core.groups.Tuple.tuple("/y/{tenant}", Access.TENANT_USAGE));
    }

    @Test
    void requestsMatchOnTheDecodedPathAsTheRouterDoes() {
        RouterFunction<ServerResponse> router = RouterFunctions.route()
                .GET("/admin/v1/tenants/{tenant}", OK)
                .withAttribute(Access.ATTRIBUTE, Access.ADMIN)
                .build();
        RouteTable table = RouteTable.of(Map.of("r", router), List.of());
        var path = RequestPath.parse("/%61dmin/v1/tenants/d%65mo", null).pathWithinApplication();
        List<RouteTable.Route> matched = table.match(HttpMethod.GET, path);
        assertThat(matched).singleElement().satisfies(r -> {
            assertThat(r.access()).isEqualTo(Access.ADMIN);
            assertThat(r.tenant(path)).isEqualTo("demo");
        });
        assertThat(table.match(HttpMethod.POST, path)).isEmpty();
        assertThat(table.match(
                        HttpMethod.GET,
                        RequestPath.parse("/Admin/v1/tenants/demo", null).pathWithinApplication()))
                .isEmpty();
    }

    @Test
    void theIndexMatchesExactlyWhatTryingEveryRouteMatches() {
        RouterFunction<ServerResponse> router = RouterFunctions.route()
                .GET("/v1/models", OK)
                .withAttribute(Access.ATTRIBUTE, Access.INFERENCE)
                .GET("/v1/models/{id}", OK)
                .withAttribute(Access.ATTRIBUTE, Access.INFERENCE)
                .POST("/v1/chat/completions", OK)
                .withAttribute(Access.ATTRIBUTE, Access.INFERENCE)
                .GET("/admin/v1/tenants/{tenant}", OK)
                .withAttribute(Access.ATTRIBUTE, Access.ADMIN)
                .route(RequestPredicates.path("/v1/any/{x}"), OK)
                .withAttribute(Access.ATTRIBUTE, Access.ADMIN)
                .GET("/{tenant}/usage", OK)
                .withAttribute(Access.ATTRIBUTE, Access.TENANT_USAGE)
                .GET("/v*/odd", OK)
                .withAttribute(Access.ATTRIBUTE, Access.PUBLIC)
                .GET("/console/**", OK)
                .withAttribute(Access.ATTRIBUTE, Access.PUBLIC)
                .GET("/", OK)
                .withAttribute(Access.ATTRIBUTE, Access.PUBLIC)
                .build();
        List<RouteTable.Route> others = List.of(
                RouteTable.Route.of("x", Set.of(), "/**", Access.PUBLIC),
                RouteTable.Route.of("x", Set.of(HttpMethod.GET), "/actuator/health/{*path}", Access.PUBLIC));
        RouteTable table = RouteTable.of(Map.of("r", router), others);
        List<String> paths = List.of(
                "/",
                "",
                "/v1/models",
                "/v1/models/echo",
                "/v1/models/",
                "/v1/chat/completions",
                "/%761/models",
                "/admin/v1/tenants/a",
                "/Admin/v1/tenants/a",
                "/v1/any/thing",
                "/t1/usage",
                "/v2/odd",
                "/console",
                "/console/a/b",
                "/actuator/health",
                "/actuator/health/liveness",
                "/nothing",
                "/v1;x=1/models",
                "/v1%2Fmodels");
        List<HttpMethod> methods = List.of(
                HttpMethod.GET, HttpMethod.POST, HttpMethod.HEAD, HttpMethod.DELETE, HttpMethod.valueOf("PROPFIND"));
        for (String p : paths) {
            var path = RequestPath.parse(p, null).pathWithinApplication();
            for (HttpMethod m : methods) {
                List<RouteTable.Route> everyRoute =
                        table.routes().stream().filter(r -> r.matches(m, path)).toList();
                assertThat(table.match(m, path)).as(m + " " + p).containsExactlyElementsOf(everyRoute);
            }
        }
        assertThat(table.match(
                        HttpMethod.GET,
                        RequestPath.parse("/v1/models/echo", null).pathWithinApplication()))
                .extracting(r -> r.pattern().getPatternString())
                .containsExactly("/**", "/v1/models/{id}");
    }

    @Configuration(proxyBeanMethods = false)
    static class Routers {

        @Bean
        RouterFunction<ServerResponse> declaredRouter() {
            return RouterFunctions.route()
                    .GET("/declared", OK)
                    .withAttribute(Access.ATTRIBUTE, Access.PUBLIC)
                    .build();
        }

        @Bean
        RouterFunction<ServerResponse> undeclaredRouter() {
            return RouterFunctions.route().GET("/undeclared", OK).build();
        }
    }
}
