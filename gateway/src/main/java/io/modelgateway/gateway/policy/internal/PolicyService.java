package io.modelgateway.gateway.policy.internal;

import io.modelgateway.gateway.policy.CompliancePolicies;
import io.modelgateway.gateway.policy.PolicySpec;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * {@link CompliancePolicies} over the database and the in-memory {@link PolicyStore}. Writes and reloads
 * are serialised, so a reload that read the table before a write cannot undo it in memory.
 */
final class PolicyService implements CompliancePolicies {

    private static final Logger log = LoggerFactory.getLogger(PolicyService.class);
    static final int MAX_SPEC_CHARS = 1_000_000;

    private final PolicyRepository repository;
    private final PolicyStore store;
    private final Clock clock;
    private final Scheduler jdbcScheduler;
    private final Object writeLock = new Object();

    PolicyService(PolicyRepository repository, PolicyStore store, Clock clock, Scheduler jdbcScheduler) {
        this.repository = repository;
        this.store = store;
        this.clock = clock;
        this.jdbcScheduler = jdbcScheduler;
    }

    EffectivePolicy effectivePolicy(String tenant, String deployment) {
        return store.effective(tenant, deployment);
    }

    @Override
    public PolicySpec effective(String tenant, String deployment) {
        return store.effective(tenant, deployment).spec();
    }

    @Override
    public Set<String> regions(String tenant, String deployment) {
        return store.effective(tenant, deployment).regions();
    }

    @Override
    public Mono<PolicySpec> get(String tenant, String deployment) {
        return Mono.fromCallable(() -> repository.get(tenant, deployment).orElse(null))
                .subscribeOn(jdbcScheduler);
    }

    @Override
    public Mono<PolicySpec> put(String tenant, String deployment, PolicySpec spec) {
        return Mono.fromCallable(() -> {
                    Level level = Level.compile(spec);
                    String json = SpecJson.write(spec);
                    if (json.length() > MAX_SPEC_CHARS) {
                        throw new IllegalArgumentException(
                                "the policy is larger than " + MAX_SPEC_CHARS + " characters");
                    }
                    synchronized (writeLock) {
                        repository.put(tenant, deployment, json, clock.instant());
                        store.set(tenant, deployment, level);
                    }
                    return spec;
                })
                .subscribeOn(jdbcScheduler);
    }

    @Override
    public Mono<Boolean> delete(String tenant, String deployment) {
        return Mono.fromCallable(() -> {
                    synchronized (writeLock) {
                        boolean existed = repository.delete(tenant, deployment);
                        store.set(tenant, deployment, null);
                        return existed;
                    }
                })
                .subscribeOn(jdbcScheduler);
    }

    /** Loads every level from the database; a level that no longer compiles is skipped and logged. */
    void reload() {
        synchronized (writeLock) {
            Map<PolicyStore.Key, Level> loaded = new HashMap<>();
            for (PolicyRepository.Row row : repository.all()) {
                try {
                    loaded.put(new PolicyStore.Key(row.tenant(), row.deployment()), Level.compile(row.spec()));
                } catch (IllegalArgumentException e) {
                    log.error(
                            "stored policy of tenant {} on {} is invalid and ignored: {}",
                            row.tenant(),
                            row.deployment(),
                            e.getMessage());
                }
            }
            store.replaceAll(loaded);
        }
    }
}
