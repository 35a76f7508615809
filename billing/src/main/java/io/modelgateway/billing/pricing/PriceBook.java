package io.modelgateway.billing.pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** All price versions, immutable, answering "which price is in force for this deployment now" from memory. */
public final class PriceBook {

    private static final PriceBook EMPTY = new PriceBook(List.of());

    private final Map<String, List<Price>> byDeployment;
    private final List<Price> all;

    private PriceBook(Collection<Price> prices) {
        Map<String, List<Price>> map = new HashMap<>();
        for (Price p : prices) {
            map.computeIfAbsent(p.deployment(), d -> new ArrayList<>()).add(p);
        }
        map.values().forEach(l -> l.sort(Comparator.comparing(Price::effectiveFrom)));
        map.replaceAll((d, l) -> List.copyOf(l));
        this.byDeployment = Map.copyOf(map);
        List<Price> sorted = new ArrayList<>(prices);
        sorted.sort(Comparator.comparing(Price::deployment).thenComparing(Price::effectiveFrom));
        this.all = List.copyOf(sorted);
    }

    public static PriceBook of(Collection<Price> prices) {
        return prices.isEmpty() ? EMPTY : new PriceBook(prices);
    }

    public static PriceBook empty() {
        return EMPTY;
    }

    /** The version in force at {@code at}: the latest one effective at or before it; empty when none is. */
    public Optional<Price> at(String deployment, Instant at) {
        List<Price> versions = byDeployment.get(deployment);
        if (versions == null) {
            return Optional.empty();
        }
        Price found = null;
        for (Price p : versions) {
            if (p.effectiveFrom().isAfter(at)) {
                break;
            }
            found = p;
        }
        return Optional.ofNullable(found);
    }

    /** Every version of one deployment, oldest first. */
    public List<Price> versions(String deployment) {
        return byDeployment.getOrDefault(deployment, List.of());
    }

    /** Every version, by deployment then effective time. */
    public List<Price> all() {
        return all;
    }
}
