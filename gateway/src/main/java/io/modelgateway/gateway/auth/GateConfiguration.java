package io.modelgateway.gateway.auth;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.RouterFunction;

/**
 * Builds the {@link RouteTable} from every {@link RouterFunction} bean, plus the actuator endpoints the API
 * port serves (they are not router functions). A route without a declared {@link Access} stops the start.
 */
@Configuration(proxyBeanMethods = false)
public class GateConfiguration {

    @Bean
    RouteTable routeTable(ListableBeanFactory beans, Environment environment) {
        Map<String, RouterFunction<?>> routers = new LinkedHashMap<>();
        beans.getBeansOfType(RouterFunction.class).forEach((name, router) -> routers.put(name, router));
        return RouteTable.of(routers, management(environment));
    }

    /**
     * The actuator paths served on the API port: always the probes' status-only {@code /livez} and
     * {@code /readyz}; and, only when the management server has no port of its own, health (with its
     * groups), info and prometheus, without a credential. Every other actuator path is undeclared and so
     * refused.
     */
    static List<RouteTable.Route> management(Environment environment) {
        Set<HttpMethod> get = Set.of(HttpMethod.GET);
        List<RouteTable.Route> probes = List.of(
                RouteTable.Route.of("probes", get, "/livez", Access.PUBLIC),
                RouteTable.Route.of("probes", get, "/readyz", Access.PUBLIC));
        if (ManagementPortType.get(environment) != ManagementPortType.SAME) {
            return probes;
        }
        String base = environment.getProperty("management.endpoints.web.base-path", "/actuator");
        return List.of(
                probes.get(0),
                probes.get(1),
                RouteTable.Route.of("actuator", get, base + "/health/{*path}", Access.PUBLIC),
                RouteTable.Route.of("actuator", get, base + "/info", Access.PUBLIC),
                RouteTable.Route.of("actuator", get, base + "/prometheus", Access.PUBLIC));
    }
}
