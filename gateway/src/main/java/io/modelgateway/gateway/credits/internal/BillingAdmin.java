package io.modelgateway.gateway.credits.internal;

import io.modelgateway.billing.Micros;
import io.modelgateway.billing.ledger.CreditEntry;
import io.modelgateway.billing.ledger.Ledger;
import io.modelgateway.billing.ledger.Posted;
import io.modelgateway.billing.ledger.Posting;
import io.modelgateway.billing.pricing.Price;
import io.modelgateway.billing.pricing.PriceStore;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.edge.json.Bodies;
import io.modelgateway.gateway.edge.json.Fields;
import io.modelgateway.gateway.runtime.JsonMappers;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The billing admin API: effective-dated prices, grants, top-ups ({@code Idempotency-Key} required),
 * adjustments, balances and ledger entries. Amounts are exact decimals in currency units on the wire
 * ({@code "2.50"}), micro-units inside.
 */
final class BillingAdmin {

    private static final long MAX_BODY = 16 * 1024;
    /** The ledger's column lengths (V10__billing.sql). */
    private static final int MAX_NOTE = 500;

    private static final int MAX_IDEMPOTENCY_KEY = 200;
    private static final JsonMapper MAPPER = JsonMappers.JSON;

    private final Credits credits;
    private final Ledger ledger;
    private final PriceStore prices;
    private final Tenancy tenancy;
    private final Deployments deployments;
    private final Scheduler jdbc;
    private final Clock clock;
    private final String currency;

    BillingAdmin(
            Credits credits,
            Ledger ledger,
            PriceStore prices,
            Tenancy tenancy,
            Deployments deployments,
            Scheduler jdbc,
            Clock clock,
            String currency) {
        this.credits = credits;
        this.ledger = ledger;
        this.prices = prices;
        this.tenancy = tenancy;
        this.deployments = deployments;
        this.jdbc = jdbc;
        this.clock = clock;
        this.currency = currency;
    }

    Mono<ServerResponse> listPrices(ServerRequest req) {
        return list(credits.prices().all().stream().map(this::view).toList());
    }

    Mono<ServerResponse> deploymentPrices(ServerRequest req) {
        String deployment = req.pathVariable("deployment");
        return list(
                credits.prices().versions(deployment).stream().map(this::view).toList());
    }

    /** Prices only deployments that exist (configured or admin-defined): a typo is a 404, not a price. */
    Mono<ServerResponse> addPrice(ServerRequest req) {
        String deployment = req.pathVariable("deployment");
        if (deployments.all().stream().noneMatch(d -> d.name().equals(deployment))) {
            return Mono.error(ApiException.notFound("deployment", deployment));
        }
        return Bodies.json(req, MAX_BODY)
                .map(body -> priceOf(deployment, body))
                .flatMap(p -> blocking(() -> prices.add(p, clock.instant())))
                .flatMap(added -> added.isEmpty()
                        ? Mono.error(ApiException.conflict(
                                "effective_from",
                                "A price version of '" + deployment + "' is already effective at that time."))
                        : blocking(() -> {
                            credits.reloadPrices();
                            return added.get();
                        }))
                .flatMap(p -> respond(HttpStatus.CREATED, view(p)));
    }

    private Price priceOf(String deployment, JsonNode body) {
        Instant from = Optional.ofNullable(epochSeconds(body, "effective_from")).orElseGet(clock::instant);
        try {
            return new Price(
                    0,
                    deployment,
                    from,
                    amount(body, "input_per_1m", true),
                    amount(body, "cached_input_per_1m", false),
                    amount(body, "output_per_1m", true),
                    amount(body, "per_request", false),
                    currency);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(null, "invalid_value", e.getMessage());
        }
    }

    Mono<ServerResponse> grant(ServerRequest req) {
        return post(req, body -> {
            Instant expires = epochSeconds(body, "expires_at");
            return Posting.grant(tenantOf(req), amount(body, "amount", true), idempotencyKey(req), expires, note(body));
        });
    }

    Mono<ServerResponse> topUp(ServerRequest req) {
        if (idempotencyKey(req) == null) {
            return Mono.error(ApiException.invalid(
                    "Idempotency-Key", "missing_idempotency_key", "A top-up needs an 'Idempotency-Key' header."));
        }
        return post(
                req,
                body -> Posting.topUp(tenantOf(req), amount(body, "amount", true), idempotencyKey(req), note(body)));
    }

    Mono<ServerResponse> adjust(ServerRequest req) {
        return post(req, body -> {
            if (note(body) == null) {
                throw ApiException.invalid("note", "An adjustment needs a 'note' saying why.");
            }
            return Posting.adjustment(tenantOf(req), amount(body, "amount", true), idempotencyKey(req), note(body));
        });
    }

    private Mono<ServerResponse> post(ServerRequest req, java.util.function.Function<JsonNode, Posting> posting) {
        String tenant = tenantOf(req);
        return tenancy.tenant(tenant)
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("tenant", tenant)))
                .then(Bodies.json(req, MAX_BODY))
                .map(body -> {
                    try {
                        return posting.apply(body);
                    } catch (IllegalArgumentException e) {
                        throw ApiException.invalid("amount", "invalid_value", e.getMessage());
                    }
                })
                .flatMap(p -> Mono.fromFuture(() -> credits.prepare(tenant)).thenReturn(p))
                .flatMap(p -> blocking(() -> ledger.post(p, clock.instant())))
                .flatMap(this::posted);
    }

    private Mono<ServerResponse> posted(Posted p) {
        if (p.created()) {
            credits.posted(p.entry());
            return respond(HttpStatus.CREATED, view(p.entry()));
        }
        return ServerResponse.ok()
                .header("Idempotent-Replayed", "true")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(MAPPER.writeValueAsBytes(view(p.entry())));
    }

    Mono<ServerResponse> balance(ServerRequest req) {
        String tenant = tenantOf(req);
        return tenancy.tenant(tenant)
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("tenant", tenant)))
                .then(blocking(() -> ledger.balance(tenant)))
                .flatMap(b -> {
                    Map<String, Object> v = new LinkedHashMap<>();
                    v.put("object", "credit_balance");
                    v.put("tenant", tenant);
                    v.put("account", b.account());
                    v.put("currency", currency);
                    money(v, "credits", b.credits());
                    money(v, "usage", b.usage());
                    money(v, "balance", b.balance());
                    if (!b.account()) {
                        money(v, "held", 0);
                        return respond(HttpStatus.OK, v);
                    }
                    return Mono.fromFuture(() -> credits.account(tenant)).flatMap(account -> {
                        money(v, "held", account.held());
                        money(v, "available", account.available());
                        return respond(HttpStatus.OK, v);
                    });
                });
    }

    Mono<ServerResponse> entries(ServerRequest req) {
        String tenant = tenantOf(req);
        int limit = req.queryParam("limit")
                .map(v -> v.matches("[0-9]{1,4}") ? Integer.parseInt(v) : -1)
                .orElse(50);
        if (limit < 1 || limit > 1000) {
            return Mono.error(ApiException.invalid("limit", "invalid_value", "limit must be between 1 and 1000"));
        }
        return tenancy.tenant(tenant)
                .switchIfEmpty(Mono.error(() -> ApiException.notFound("tenant", tenant)))
                .then(blocking(() -> ledger.entries(tenant, limit)))
                .flatMap(es -> list(es.stream().map(this::view).toList()));
    }

    private static String tenantOf(ServerRequest req) {
        return req.pathVariable("tenant");
    }

    private static String idempotencyKey(ServerRequest req) {
        String key = req.headers().firstHeader("Idempotency-Key");
        if (key == null || key.isBlank()) {
            return null;
        }
        if (key.trim().length() > MAX_IDEMPOTENCY_KEY) {
            throw ApiException.invalid(
                    "Idempotency-Key",
                    "invalid_value",
                    "'Idempotency-Key' must be at most " + MAX_IDEMPOTENCY_KEY + " characters.");
        }
        return key.trim();
    }

    private static String note(JsonNode body) {
        JsonNode n = body.get("note");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isString()) {
            throw Fields.typeError("note", "a string", n);
        }
        if (n.asString().length() > MAX_NOTE) {
            throw ApiException.invalid("note", "invalid_value", "'note' must be at most " + MAX_NOTE + " characters.");
        }
        return n.asString();
    }

    /** Unix seconds (see {@link Fields#epochSecond}), or null when absent. */
    private static Instant epochSeconds(JsonNode body, String field) {
        Long seconds = Fields.longValue(body, field);
        return seconds == null ? null : Fields.epochSecond(field, seconds);
    }

    /** An amount as a decimal string or number in currency units, exact to the micro-unit. */
    private static long amount(JsonNode body, String field, boolean required) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw ApiException.invalid(field, "missing_required_parameter", "'" + field + "' is required.");
            }
            return 0;
        }
        if (!n.isString() && !n.isNumber()) {
            throw ApiException.invalid(field, "invalid_type", "'" + field + "' must be a decimal amount.");
        }
        if (n.isFloatingPointNumber() && !Double.isFinite(n.doubleValue())) {
            throw ApiException.invalid(field, "invalid_value", "'" + field + "': amount does not fit.");
        }
        try {
            return n.isNumber() ? Micros.fromUnits(n.decimalValue()) : Micros.parse(n.asString());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(field, "invalid_value", "'" + field + "': " + e.getMessage());
        }
    }

    private Map<String, Object> view(Price p) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("object", "price");
        v.put("version", p.version());
        v.put("deployment", p.deployment());
        v.put("effective_from", p.effectiveFrom().getEpochSecond());
        v.put("currency", p.currency());
        money(v, "input_per_1m", p.inputPer1M());
        money(v, "cached_input_per_1m", p.cachedInputPer1M());
        money(v, "output_per_1m", p.outputPer1M());
        money(v, "per_request", p.perRequest());
        return v;
    }

    private Map<String, Object> view(CreditEntry e) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("object", "credit_entry");
        v.put("id", e.id());
        v.put("tenant", e.tenant());
        v.put("kind", e.kind().value());
        money(v, "amount", e.amountMicros());
        v.put("currency", currency);
        v.put("idempotency_key", e.idempotencyKey());
        v.put("expires_at", e.expiresAt() == null ? null : e.expiresAt().getEpochSecond());
        v.put("refers_to", e.refersTo() == 0 ? null : e.refersTo());
        v.put("note", e.note());
        v.put("created_at", e.createdAt().getEpochSecond());
        return v;
    }

    private static void money(Map<String, Object> v, String name, long micros) {
        v.put(name, Micros.format(micros));
        v.put(name + "_micros", micros);
    }

    private <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(jdbc);
    }

    private static Mono<ServerResponse> list(List<?> data) {
        return respond(HttpStatus.OK, Map.of("object", "list", "data", data));
    }

    private static Mono<ServerResponse> respond(HttpStatus status, Object body) {
        return ServerResponse.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(MAPPER.writeValueAsBytes(body));
    }
}
