package io.modelgateway.gateway.console;

import io.modelgateway.gateway.auth.Access;
import io.modelgateway.gateway.auth.JwtProperties;
import io.modelgateway.gateway.auth.JwtVerifier;
import io.modelgateway.gateway.console.internal.Assets;
import io.modelgateway.gateway.console.internal.Catalog;
import io.modelgateway.gateway.console.internal.Credits;
import io.modelgateway.gateway.console.internal.Fleet;
import io.modelgateway.gateway.console.internal.GatewayApi;
import io.modelgateway.gateway.console.internal.Guard;
import io.modelgateway.gateway.console.internal.Html;
import io.modelgateway.gateway.console.internal.OidcSignIn;
import io.modelgateway.gateway.console.internal.Overview;
import io.modelgateway.gateway.console.internal.SessionStore;
import io.modelgateway.gateway.console.internal.SessionStores;
import io.modelgateway.gateway.console.internal.Sessions;
import io.modelgateway.gateway.console.internal.SignIn;
import io.modelgateway.gateway.console.internal.Statements;
import io.modelgateway.gateway.console.internal.TenantAdmin;
import io.modelgateway.gateway.console.internal.Usage;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.CacheControl;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Every console route, in one router. Open: {@code /console}, the sign-in page and form, and the static
 * assets ({@code /console/assets/**}: our CSS and JS, and uPlot from its WebJar). Everything else passes
 * {@link Guard} (session cookie, and the CSRF token on every POST). Every response gets a strict content
 * security policy (same origin only, no inline script) and is never framed.
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleRoutes {

    private static final String ACCESS = Access.ATTRIBUTE;

    private static final Logger log = LoggerFactory.getLogger(ConsoleRoutes.class);

    static final String CONSOLE = "/console";

    /** Shared by the replicas (Redis or the database) unless the gateway runs alone on H2; see {@link ConsoleProperties}. */
    @Bean(destroyMethod = "close")
    SessionStore consoleSessionStore(
            ConsoleProperties properties,
            Environment environment,
            DataSource dataSource,
            Scheduler jdbcScheduler,
            Clock clock) {
        SessionStore store = SessionStores.create(
                properties, environment.getProperty("spring.datasource.url"), dataSource, jdbcScheduler, clock);
        log.info("console sessions live in {}", store.describe());
        return store;
    }

    @Bean
    Sessions consoleSessions(Clock clock, SessionStore consoleSessionStore) {
        return new Sessions(clock, consoleSessionStore);
    }

    @Bean
    RouterFunction<ServerResponse> consoleRouter(
            Tenancy tenancy,
            Sessions consoleSessions,
            Environment environment,
            Clock clock,
            ConsoleProperties properties,
            JwtProperties jwt,
            JwtVerifier jwtVerifier) {
        GatewayApi api = new GatewayApi(environment);
        SignIn signIn = new SignIn(tenancy, consoleSessions, properties.oidc().enabled());
        Overview overview = new Overview(api, clock);
        Usage usage = new Usage(api, clock);
        Credits credits = new Credits(api, clock);
        Statements statements = new Statements(api, usage, clock);
        Fleet fleet = new Fleet(api, clock);
        TenantAdmin tenants = new TenantAdmin(api);
        Assets assets = new Assets();
        Catalog catalog = new Catalog(api);
        RouterFunction<ServerResponse> open = RouterFunctions.route()
                .GET(CONSOLE, signIn::home)
                .withAttribute(ACCESS, Access.PUBLIC)
                .GET(CONSOLE + "/", signIn::home)
                .withAttribute(ACCESS, Access.PUBLIC)
                .GET(CONSOLE + "/sign-in", signIn::form)
                .withAttribute(ACCESS, Access.PUBLIC)
                .POST(CONSOLE + "/sign-in", signIn::signIn)
                .withAttribute(ACCESS, Access.PUBLIC)
                .GET(CONSOLE + "/assets/uplot/{*file}", assets::uplot)
                .withAttribute(ACCESS, Access.PUBLIC)
                .GET(CONSOLE + "/assets/{*file}", assets::console)
                .withAttribute(ACCESS, Access.PUBLIC)
                .build();
        if (properties.oidc().enabled()) {
            open = open.and(oidcRoutes(properties.oidc(), jwt, jwtVerifier, tenancy, consoleSessions));
        }
        RouterFunction<ServerResponse> guarded = RouterFunctions.route()
                .POST(CONSOLE + "/sign-out", signIn::signOut)
                .withAttribute(ACCESS, Access.CONSOLE)
                .GET(CONSOLE + "/overview", overview::page)
                .withAttribute(ACCESS, Access.CONSOLE)
                .GET(CONSOLE + "/usage", usage::page)
                .withAttribute(ACCESS, Access.CONSOLE)
                .GET(CONSOLE + "/usage.csv", usage::csv)
                .withAttribute(ACCESS, Access.CONSOLE)
                .GET(CONSOLE + "/records.csv", usage::records)
                .withAttribute(ACCESS, Access.CONSOLE)
                .GET(CONSOLE + "/credits", credits::page)
                .withAttribute(ACCESS, Access.CONSOLE)
                .POST(CONSOLE + "/credits/{kind}", credits::post)
                .withAttribute(ACCESS, Access.CONSOLE)
                .GET(CONSOLE + "/statements", statements::page)
                .withAttribute(ACCESS, Access.CONSOLE)
                .GET(CONSOLE + "/statements/download", statements::download)
                .withAttribute(ACCESS, Access.CONSOLE)
                .POST(CONSOLE + "/statements/close", statements::close)
                .withAttribute(ACCESS, Access.CONSOLE)
                .GET(CONSOLE + "/reconciliation", statements::reconciliation)
                .withAttribute(ACCESS, Access.CONSOLE)
                .GET(CONSOLE + "/fleet", fleet::page)
                .withAttribute(ACCESS, Access.CONSOLE)
                .GET(CONSOLE + "/catalog", catalog::page)
                .withAttribute(ACCESS, Access.CONSOLE)
                .POST(CONSOLE + "/catalog/quote", catalog::quote)
                .withAttribute(ACCESS, Access.CONSOLE)
                .GET(CONSOLE + "/tenants", tenants::list)
                .withAttribute(ACCESS, Access.CONSOLE)
                .POST(CONSOLE + "/tenants", tenants::create)
                .withAttribute(ACCESS, Access.CONSOLE)
                .GET(CONSOLE + "/tenants/{tenant}", tenants::tenant)
                .withAttribute(ACCESS, Access.CONSOLE)
                .POST(CONSOLE + "/tenants/{tenant}/keys", tenants::issueKey)
                .withAttribute(ACCESS, Access.CONSOLE)
                .POST(CONSOLE + "/tenants/{tenant}/limits", tenants::setLimits)
                .withAttribute(ACCESS, Access.CONSOLE)
                .POST(CONSOLE + "/tenants/{tenant}/{action}", tenants::status)
                .withAttribute(ACCESS, Access.CONSOLE)
                .POST(CONSOLE + "/keys/{key}/{action}", tenants::key)
                .withAttribute(ACCESS, Access.CONSOLE)
                .filter(new Guard(consoleSessions))
                .build();
        return open.and(guarded).filter(ConsoleRoutes::headers);
    }

    /** OIDC sign-in, for an issuer the API trusts (else the start fails). */
    private static RouterFunction<ServerResponse> oidcRoutes(
            ConsoleProperties.Oidc oidc, JwtProperties jwt, JwtVerifier verifier, Tenancy tenancy, Sessions sessions) {
        if (jwt.issuers().stream().noneMatch(i -> i.issuer().equals(oidc.issuer()))) {
            throw new IllegalStateException(
                    "gateway.console.oidc.issuer must be one of gateway.jwt.issuers: " + oidc.issuer());
        }
        if (oidc.authorizationUri().isBlank()
                || oidc.tokenUri().isBlank()
                || oidc.clientId().isBlank()) {
            throw new IllegalStateException("gateway.console.oidc needs authorization-uri, token-uri and client-id");
        }
        OidcSignIn sign = new OidcSignIn(oidc, verifier, tenancy, sessions);
        return RouterFunctions.route()
                .GET(CONSOLE + "/oidc/start", sign::start)
                .withAttribute(ACCESS, Access.PUBLIC)
                .GET(CONSOLE + "/oidc/callback", sign::callback)
                .withAttribute(ACCESS, Access.PUBLIC)
                .build();
    }

    private static Mono<ServerResponse> headers(ServerRequest req, HandlerFunction<ServerResponse> next) {
        boolean asset = req.path().startsWith(CONSOLE + "/assets/");
        var h = req.exchange().getResponse().getHeaders();
        h.set(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("X-Frame-Options", "DENY");
        if (asset) {
            h.setCacheControl(
                    CacheControl.maxAge(Duration.ofHours(1)).cachePublic().getHeaderValue());
        }
        return next.handle(req).onErrorResume(e -> {
            log.warn("console page {} failed", req.path(), e);
            return Html.failed();
        });
    }
}
