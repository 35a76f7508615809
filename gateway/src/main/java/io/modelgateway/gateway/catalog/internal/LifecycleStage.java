package io.modelgateway.gateway.catalog.internal;

import io.modelgateway.gateway.config.CatalogProperties;
import io.modelgateway.gateway.config.CatalogProperties.Lifecycle;
import io.modelgateway.gateway.deployment.DeploymentDefinition;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.CallResult;
import io.modelgateway.gateway.pipeline.CallStage;
import io.modelgateway.gateway.pipeline.Quote;
import io.modelgateway.gateway.pipeline.StageOrder;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A deployment's lifecycle on every call (chat, completions, embeddings, Triton or HTTP upstream alike): a
 * retired one, or a deprecated one from its retirement date, is refused with 410 {@code model_retired} naming
 * its successor; a deprecated one answers with {@code Deprecation} (RFC 9745), {@code Sunset} (RFC 8594),
 * {@code Warning} (299) and, with a successor, {@code Link rel="successor-version"}; one whose model the admin
 * API is loading, draining or unloaded is refused with 503 (see {@link ModelLoads}), and the calls it lets
 * through are counted until they end, so an unload can drain them. Runs after the usage and
 * metrics stages (a refusal is counted) and before the ones that reserve anything.
 */
@Component
@Order(StageOrder.LIFECYCLE)
final class LifecycleStage implements CallStage {

    /** Set when {@link ModelLoads} counts the call, so that its end is counted once. */
    private static final Call.Slot<Boolean> COUNTED = Call.Slot.of("lifecycle.counted");

    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    private final Deployments deployments;
    private final ModelLoads loads;
    private final Clock clock;

    LifecycleStage(Deployments deployments, ModelLoads loads, Clock clock) {
        this.deployments = deployments;
        this.loads = loads;
        this.clock = clock;
    }

    @Override
    public Mono<Void> admit(Call call) {
        String name = call.deployment().name();
        CatalogProperties card = card(name);
        Lifecycle now = card.lifecycleOn(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
        Optional<ApiException> refusal = refusal(name, card, now);
        if (refusal.isPresent()) {
            return Mono.error(refusal.get());
        }
        if (now == Lifecycle.DEPRECATED) {
            headers(call.responseHeaders(), name, card);
        }
        loads.started(name);
        call.put(COUNTED, Boolean.TRUE);
        return Mono.empty();
    }

    /** What {@link #admit} would decide now: retired, or held back by a load or unload. */
    @Override
    public Mono<Void> quote(Call call, Quote quote) {
        String name = call.deployment().name();
        CatalogProperties card = card(name);
        refusal(name, card, card.lifecycleOn(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)))
                .ifPresent(e -> quote.refuse(new Quote.Refusal("lifecycle", "deployment", e, null)));
        return Mono.empty();
    }

    private CatalogProperties card(String name) {
        return deployments
                .definition(name)
                .map(DeploymentDefinition::settings)
                .map(s -> s.catalog())
                .orElse(CatalogProperties.NONE);
    }

    private Optional<ApiException> refusal(String name, CatalogProperties card, Lifecycle now) {
        if (now == Lifecycle.RETIRED) {
            return Optional.of(retired(name, card));
        }
        return loads.refusal(name);
    }

    @Override
    public void complete(Call call, CallResult result) {
        if (call.get(COUNTED) != null) {
            loads.ended(call.deployment().name());
        }
    }

    static ApiException retired(String name, CatalogProperties card) {
        String message = "The model `" + name + "` has been retired"
                + card.retirement().map(d -> " on " + d).orElse("") + " and is no longer served."
                + (card.successor() != null ? " Use `" + card.successor() + "` instead." : "");
        return ApiException.of(HttpStatus.GONE, "invalid_request_error", "model", "model_retired", message);
    }

    private static void headers(HttpHeaders headers, String name, CatalogProperties card) {
        headers.set(
                "Deprecation",
                card.deprecation()
                        .map(d -> "@" + d.atStartOfDay(ZoneOffset.UTC).toEpochSecond())
                        .orElse("true"));
        card.retirement().ifPresent(d -> headers.set("Sunset", HTTP_DATE.format(d.atStartOfDay(ZoneOffset.UTC))));
        String successor = card.successor();
        headers.set(
                "Warning",
                "299 - \"The model '" + name + "' is deprecated"
                        + card.retirement().map(d -> " and retires on " + d).orElse("")
                        + (successor != null ? "; use '" + successor + "' instead" : "") + ".\"");
        if (successor != null) {
            headers.add("Link", "</v1/models/" + successor + ">; rel=\"successor-version\"");
        }
    }
}
