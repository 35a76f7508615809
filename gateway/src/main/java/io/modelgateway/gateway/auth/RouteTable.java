package io.modelgateway.gateway.auth;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Every route the application serves, with the {@link Access} it declares. Read once at start from the
 * router functions' own route attributes (so the declaration sits next to the route); a route without a
 * declaration, or one whose predicate cannot be read as method + path, stops the start. A request is
 * matched the way the router matches it: the same path patterns, parsed by the same parser, against the
 * same decoded path elements ({@code pathWithinApplication()}).
 */
public final class RouteTable {

    /** Exchange attribute: the {@code List<Route>} a request matched (empty: no declaration covers it). */
    public static final String MATCHED = RouteTable.class.getName() + ".matched";

    private static final PathPatternParser PARSER = PathPatternParser.defaultInstance;

    private final List<Route> routes;
    private final Index index;
    private final Map<String, RouterFunction<?>> routers;

    private RouteTable(List<Route> routes, Map<String, ? extends RouterFunction<?>> routers) {
        this.routes = List.copyOf(routes);
        this.index = new Index(this.routes);
        this.routers = Map.copyOf(routers);
    }

    /**
     * A declared route.
     *
     * @param source the bean (or component) that registered it
     * @param methods the methods it answers; empty for every method
     * @param pattern its path pattern
     */
    public record Route(String source, Set<HttpMethod> methods, PathPattern pattern, Access access) {

        public Route {
            methods = Set.copyOf(methods);
        }

        public static Route of(String source, Set<HttpMethod> methods, String pattern, Access access) {
            return new Route(source, methods, PARSER.parse(pattern), access);
        }

        boolean matches(HttpMethod method, PathContainer path) {
            return (methods.isEmpty() || methods.contains(method)) && pattern.matches(path);
        }

        /** The decoded {@code {tenant}} path variable of this request, or {@code null} if the route has none. */
        String tenant(PathContainer path) {
            PathPattern.PathMatchInfo info = pattern.matchAndExtract(path);
            return info == null ? null : info.getUriVariables().get("tenant");
        }

        @Override
        public String toString() {
            return (methods.isEmpty() ? "*" : methods.toString()) + " " + pattern.getPatternString() + " " + access
                    + " (" + source + ")";
        }
    }

    /**
     * Reads the routes of these router functions (bean name to router) and adds {@code others} (routes served
     * by other handler mappings, such as the actuator's).
     *
     * @throws IllegalStateException naming every route without a readable declaration
     */
    public static RouteTable of(Map<String, ? extends RouterFunction<?>> routers, List<Route> others) {
        List<Route> routes = new ArrayList<>(others);
        List<String> problems = new ArrayList<>();
        routers.forEach((name, router) -> router.accept(new Reader(name, routes, problems)));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Every route must declare its access (.withAttribute(Access.ATTRIBUTE, "
                    + "Access.X) right after the route, see io.modelgateway.gateway.auth): "
                    + String.join("; ", problems));
        }
        return new RouteTable(routes, routers);
    }

    public List<Route> routes() {
        return routes;
    }

    /** The router functions the routes were read from, by bean name. */
    Map<String, RouterFunction<?>> routers() {
        return routers;
    }

    /**
     * The router function that declared every one of these matched routes, or {@code null} when they come from
     * more than one source, from no router function (the actuator's probes) or there are none. Such a router is
     * the only one that can serve the request: every other router's routes are in the table too, and none of
     * them matched.
     */
    RouterFunction<?> router(List<Route> matched) {
        if (matched.isEmpty()) {
            return null;
        }
        String source = matched.get(0).source();
        for (int i = 1; i < matched.size(); i++) {
            if (!matched.get(i).source().equals(source)) {
                return null;
            }
        }
        return routers.get(source);
    }

    /**
     * Every declared route this request matches (usually one), in declaration order; empty when none covers it.
     * Only the routes that can match the request's method and first path segment are tried (see {@link Index}).
     */
    public List<Route> match(HttpMethod method, PathContainer path) {
        List<Route> candidates = index.candidates(method, path);
        List<Route> matched = null;
        for (Route r : candidates) {
            if (r.pattern().matches(path)) {
                if (matched == null) {
                    matched = new ArrayList<>(1);
                }
                matched.add(r);
            }
        }
        return matched == null ? List.of() : matched;
    }

    /**
     * The routes by method and literal first path segment, so that a request is tried against the few routes
     * that can match it instead of all of them. A route whose first segment is not a literal (a variable, a
     * wildcard, {@code /**}) is a candidate for every first segment; one without methods for every method. Each
     * bucket keeps declaration order, so {@link #match} answers exactly what trying every route would.
     */
    static final class Index {

        /** The routes of one method: by literal first segment, and for any other first segment. */
        private record Buckets(Map<String, List<Route>> byFirstSegment, List<Route> others) {}

        private final Map<HttpMethod, Buckets> byMethod = new HashMap<>();
        private final Buckets otherMethods;

        Index(List<Route> routes) {
            Set<String> literals = new HashSet<>();
            Set<HttpMethod> methods = new HashSet<>(Arrays.asList(HttpMethod.values()));
            for (Route r : routes) {
                String first = literalFirstSegment(r.pattern().getPatternString());
                if (first != null) {
                    literals.add(first);
                }
                methods.addAll(r.methods());
            }
            for (HttpMethod m : methods) {
                byMethod.put(m, buckets(routes, literals, m));
            }
            otherMethods = buckets(routes, literals, null);
        }

        private static Buckets buckets(List<Route> routes, Set<String> literals, HttpMethod method) {
            Map<String, List<Route>> bySegment = new HashMap<>();
            for (String segment : literals) {
                bySegment.put(segment, select(routes, method, segment));
            }
            return new Buckets(Map.copyOf(bySegment), select(routes, method, null));
        }

        /** In order: the routes for this method ({@code null}: a method no route names) and first segment. */
        private static List<Route> select(List<Route> routes, HttpMethod method, String segment) {
            List<Route> out = new ArrayList<>();
            for (Route r : routes) {
                boolean methodOk =
                        r.methods().isEmpty() || (method != null && r.methods().contains(method));
                String first = literalFirstSegment(r.pattern().getPatternString());
                if (methodOk && (first == null || first.equals(segment))) {
                    out.add(r);
                }
            }
            return List.copyOf(out);
        }

        List<Route> candidates(HttpMethod method, PathContainer path) {
            Buckets buckets = method == null ? otherMethods : byMethod.getOrDefault(method, otherMethods);
            String first = firstSegment(path);
            List<Route> bucket = first == null ? null : buckets.byFirstSegment().get(first);
            return bucket != null ? bucket : buckets.others();
        }

        /** The decoded value of the path's first segment (what a literal pattern element compares), or null. */
        private static String firstSegment(PathContainer path) {
            for (PathContainer.Element e : path.elements()) {
                if (e instanceof PathContainer.PathSegment segment) {
                    return segment.valueToMatch();
                }
            }
            return null;
        }

        /**
         * The pattern's first segment when it is a plain literal ({@code "v1"} of {@code /v1/models}); null when
         * it may match other text (a variable, a wildcard) or the pattern has no segment.
         */
        static String literalFirstSegment(String pattern) {
            int start = pattern.startsWith("/") ? 1 : 0;
            int end = pattern.indexOf('/', start);
            String first = pattern.substring(start, end < 0 ? pattern.length() : end);
            if (first.isEmpty()
                    || first.chars()
                            .anyMatch(c -> c == '{' || c == '}' || c == '*' || c == '?' || c == '\\' || c == ';'
                                    || c == '%')) {
                return null;
            }
            return first;
        }
    }

    /** The routes the gate matched for this request; empty (no declaration) if the gate did not run. */
    @SuppressWarnings("unchecked")
    static List<Route> matched(ServerWebExchange exchange) {
        List<Route> matched = (List<Route>) exchange.getAttributes().get(MATCHED);
        return matched == null ? List.of() : matched;
    }

    static boolean isPublic(List<Route> matched) {
        return !matched.isEmpty() && matched.stream().allMatch(r -> r.access().readsNoCredential());
    }

    /** Walks one router function: nests, attributes and routes, in the order the router holds them. */
    private static final class Reader implements RouterFunctions.Visitor {

        private final String source;
        private final List<Route> routes;
        private final List<String> problems;
        private final Deque<String> prefixes = new ArrayDeque<>();
        private Map<String, Object> attributes = Map.of();

        Reader(String source, List<Route> routes, List<String> problems) {
            this.source = source;
            this.routes = routes;
            this.problems = problems;
        }

        @Override
        public void startNested(RequestPredicate predicate) {
            Predicate p = Predicate.read(predicate);
            if (p.problem != null || !p.methods.isEmpty()) {
                problems.add(source + ": nest(" + predicate + ") must be a plain path");
            }
            prefixes.push(prefix() + (p.path == null ? "" : p.path));
        }

        @Override
        public void endNested(RequestPredicate predicate) {
            prefixes.pop();
        }

        @Override
        public void attributes(Map<String, Object> attributes) {
            this.attributes = attributes;
        }

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
            Object access = attributes.get(Access.ATTRIBUTE);
            attributes = Map.of(); // an attribute belongs to the one route that follows it
            Predicate p = Predicate.read(predicate);
            if (p.problem != null) {
                problems.add(source + ": " + predicate + ": " + p.problem);
            } else if (!(access instanceof Access a)) {
                problems.add(source + ": " + predicate + " declares no access");
            } else {
                routes.add(Route.of(source, p.methods, prefix() + (p.path == null ? "/**" : p.path), a));
            }
        }

        @Override
        public void resources(Function<ServerRequest, Mono<Resource>> lookup) {
            problems.add(source + ": static resources (" + lookup + ") cannot declare access; serve them from a route");
        }

        @Override
        public void unknown(RouterFunction<?> routerFunction) {
            problems.add(source + ": unreadable router function " + routerFunction);
        }

        private String prefix() {
            return prefixes.isEmpty() ? "" : prefixes.peek();
        }
    }

    /**
     * A route predicate read as methods and one path. Further conditions (headers, query parameters,
     * versions) only narrow a route and are ignored: the table then covers at least what the router
     * serves. Alternatives and negations could widen it and are refused.
     */
    private static final class Predicate implements RequestPredicates.Visitor {

        private final Set<HttpMethod> methods = new HashSet<>();
        private String path;
        private String problem;

        static Predicate read(RequestPredicate predicate) {
            Predicate p = new Predicate();
            predicate.accept(p);
            return p;
        }

        @Override
        public void method(Set<HttpMethod> methods) {
            if (!this.methods.isEmpty()) {
                problem = "more than one method condition";
            }
            this.methods.addAll(methods);
        }

        @Override
        public void path(String pattern) {
            if (path != null) {
                problem = "more than one path";
            }
            path = pattern;
        }

        @Override
        public void pathExtension(String extension) {}

        @Override
        public void header(String name, String value) {}

        @Override
        public void queryParam(String name, String value) {}

        @Override
        public void version(String version) {}

        @Override
        public void startAnd() {}

        @Override
        public void and() {}

        @Override
        public void endAnd() {}

        @Override
        public void startOr() {
            problem = "alternatives (or) are not supported: declare one route each";
        }

        @Override
        public void or() {}

        @Override
        public void endOr() {}

        @Override
        public void startNegate() {
            problem = "negations are not supported";
        }

        @Override
        public void endNegate() {}

        @Override
        public void unknown(RequestPredicate predicate) {
            problem = "unreadable predicate";
        }
    }
}
