package io.modelgateway.gateway.catalog;

import io.modelgateway.billing.pricing.PriceBook;
import io.modelgateway.billing.pricing.PriceStore;
import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.catalog.internal.ModelLoads;
import io.modelgateway.gateway.config.CatalogProperties;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.deployment.DeploymentDefinition;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.inference.ReplicaStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The model catalog: every deployment a caller may use, with its catalog entry, the price in force now (the
 * price book is read from the database at most every {@link #PRICES_FRESH}, on a bounded scheduler) and its
 * live status from the pool's polled readiness.
 */
@Component
public class ModelCatalog implements DisposableBean {

    static final Duration PRICES_FRESH = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(ModelCatalog.class);

    private record Loaded(PriceBook book, long atNanos) {}

    private final Deployments deployments;
    private final PriceStore prices;
    private final ModelLoads loads;
    private final Clock clock;
    private final Scheduler jdbc = Schedulers.newBoundedElastic(1, 100, "catalog-jdbc");
    private final AtomicReference<Mono<PriceBook>> inFlight = new AtomicReference<>();
    private volatile Loaded loaded;

    public ModelCatalog(Deployments deployments, PriceStore prices, ModelLoads loads, Clock clock) {
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
            ready = (int) all.stream().filter(r -> r.ready() && Boolean.TRUE.equals(r.models().get(d.model()))).count();
        }
        CatalogProperties card = def.settings().catalog();
        return Optional.of(new CatalogEntry(d, card, card.lifecycleOn(LocalDate.ofInstant(now, ZoneOffset.UTC)),
                book.at(d.name(), now).orElse(null), ready, replicas,
                loads.state(d.name()).map(ModelLoads.State::value).orElse(null)));
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
        }).subscribeOn(jdbc).onErrorResume(e -> {
            log.warn("price book not readable, the catalog shows the prices read before: {}", e.toString());
            Loaded last = loaded;
            return Mono.just(last == null ? PriceBook.empty() : last.book());
        }).doFinally(s -> inFlight.set(null)).cache();
        return inFlight.compareAndSet(null, load) ? load : Optional.ofNullable(inFlight.get()).orElse(load);
    }

    @Override
    public void destroy() {
        jdbc.dispose();
    }
}
