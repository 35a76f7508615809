package io.modelgateway.gateway.catalog;

import inference.ModelConfig;
import inference.ModelParameter;
import io.modelgateway.billing.pricing.PriceBook;
import io.modelgateway.billing.pricing.PriceStore;
import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.catalog.internal.ModelLoads;
import io.modelgateway.gateway.config.CatalogProperties;
import io.modelgateway.gateway.config.GatewayProperties.Kind;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.deployment.DeploymentDefinition;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.inference.ReplicaStatus;
import io.modelgateway.inference.TensorNames;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The model catalog: every deployment a caller may use, with its catalog entry, the price in force now (the
 * price book is read from the database at most every {@link #PRICES_FRESH}, on a bounded scheduler) and its
 * live status from the pool's polled readiness.
 */
@Component
public class ModelCatalog {

    static final Duration PRICES_FRESH = Duration.ofSeconds(1);
    static final Duration CONFIG_FRESH = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);

    private record Loaded(PriceBook book, long atNanos) {}

    private final Deployments deployments;
    private final PriceStore prices;
    private final ModelLoads loads;
    private final Clock clock;
    private final Scheduler jdbc;
    private final AtomicReference<Mono<PriceBook>> inFlight = new AtomicReference<>();
    private final Map<String, Reported> reported = new ConcurrentHashMap<>();
    private final Set<String> reading = ConcurrentHashMap.newKeySet();
    private volatile Loaded loaded;

    public ModelCatalog(Deployments deployments, PriceStore prices, ModelLoads loads, Clock clock, Scheduler jdbc) {
        this.jdbc = jdbc;
        this.deployments = deployments;
        this.loads = loads;
        this.prices = prices;
        this.clock = clock;
    }

    /** The deployments {@code caller}'s tenant may use, in the registry's order (configured ones first). */
    public Mono<List<CatalogEntry>> visible(Caller caller) {
        return priceBook().map(book -> {
            Instant now = clock.instant();
            List<CatalogEntry> out = new ArrayList<>();
            for (DeploymentDefinition def : deployments.definitions()) {
                if (caller != null && caller.mayUse(def.name())) {
                    entry(def, book, now).ifPresent(out::add);
                }
            }
            return out;
        });
    }

    /** One deployment the caller may use, or empty (also when it exists but the tenant may not use it). */
    public Mono<CatalogEntry> one(String name, Caller caller) {
        if (caller == null || !caller.mayUse(name)) {
            return Mono.empty();
        }
        return Mono.justOrEmpty(deployments.definition(name))
                .flatMap(def -> priceBook().flatMap(book -> Mono.justOrEmpty(entry(def, book, clock.instant()))));
    }

    private Optional<CatalogEntry> entry(DeploymentDefinition def, PriceBook book, Instant now) {
        Deployment d;
        try {
            d = deployments.require(def.name());
        } catch (RuntimeException gone) { // removed between the two reads
            return Optional.empty();
        }
        Integer ready = null;
        Integer replicas = null;
        if (!d.proxied()) {
            List<ReplicaStatus> all = d.backend().replicas();
            replicas = all.size();
            ready = (int) all.stream()
                    .filter(r -> r.ready() && Boolean.TRUE.equals(r.models().get(d.model())))
                    .count();
        }
        CatalogProperties card = def.settings().catalog();
        Reported reported = reported(d, card);
        return Optional.of(new CatalogEntry(
                d,
                card,
                card.lifecycleOn(LocalDate.ofInstant(now, ZoneOffset.UTC)),
                book.at(d.name(), now).orElse(null),
                ready,
                replicas,
                loads.state(d.name()).map(ModelLoads.State::value).orElse(null),
                card.contextLength() != null ? card.contextLength() : reported.contextLength(),
                card.embeddingDimensions() != null ? card.embeddingDimensions() : reported.embeddingDimensions()));
    }

    /** What a Triton backend's ModelConfig says about the model, as read last. */
    private record Reported(Integer contextLength, Integer embeddingDimensions, long atNanos, Object pool) {
        static final Reported NOTHING = new Reported(null, null, 0, null);
    }

    /**
     * The figures the deployment's ModelConfig reported, read in the background (at most every
     * {@link #CONFIG_FRESH} per deployment, again when its pool changed); nothing for what is configured anyway or
     * for HTTP upstreams. A failed read is logged and leaves what was known.
     */
    private Reported reported(Deployment d, CatalogProperties card) {
        if (d.proxied()
                || card.contextLength() != null
                        && (card.embeddingDimensions() != null || d.kind() != Kind.EMBEDDINGS)) {
            return Reported.NOTHING;
        }
        Reported known = reported.getOrDefault(d.name(), Reported.NOTHING);
        boolean stale = known.pool() != d.backend() || System.nanoTime() - known.atNanos() > CONFIG_FRESH.toNanos();
        if (stale && reading.add(d.name())) {
            d.backend().modelConfig(d.model()).whenComplete((config, error) -> {
                reading.remove(d.name());
                if (error != null) {
                    log.debug("ModelConfig of deployment '{}' not readable: {}", d.name(), error.toString());
                    return;
                }
                reported.put(
                        d.name(),
                        new Reported(contextLength(config), dimensions(config), System.nanoTime(), d.backend()));
            });
        }
        return known.pool() == d.backend() ? known : Reported.NOTHING;
    }

    private static Integer contextLength(ModelConfig config) {
        ModelParameter p = config.getParametersMap().get("max_model_len");
        try {
            return p == null ? null : Integer.valueOf(p.getStringValue().strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Integer dimensions(ModelConfig config) {
        return config.getOutputList().stream()
                .filter(o -> o.getName().equals(TensorNames.EMBEDDING))
                .filter(o -> o.getDimsCount() > 0 && o.getDims(o.getDimsCount() - 1) > 0)
                .map(o -> (int) o.getDims(o.getDimsCount() - 1))
                .findFirst()
                .orElse(null);
    }

    /**
     * The price book, read again when older than {@link #PRICES_FRESH}; concurrent readers share one load. When
     * the database cannot be read the last book read is used (prices may be stale, never invented) and the
     * failure is logged.
     */
    private Mono<PriceBook> priceBook() {
        Loaded l = loaded;
        if (l != null && System.nanoTime() - l.atNanos() < PRICES_FRESH.toNanos()) {
            return Mono.just(l.book());
        }
        Mono<PriceBook> running = inFlight.get();
        if (running != null) {
            return running;
        }
        Mono<PriceBook> load = Mono.fromCallable(() -> {
                    PriceBook book = prices.load();
                    loaded = new Loaded(book, System.nanoTime());
                    return book;
                })
                .subscribeOn(jdbc)
                .onErrorResume(e -> {
                    log.warn("price book not readable, the catalog shows the prices read before: {}", e.toString());
                    Loaded last = loaded;
                    return Mono.just(last == null ? PriceBook.empty() : last.book());
                })
                .doFinally(s -> inFlight.set(null))
                .cache();
        return inFlight.compareAndSet(null, load)
                ? load
                : Optional.ofNullable(inFlight.get()).orElse(load);
    }
}
