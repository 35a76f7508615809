package io.modelgateway.gateway.policy.internal;

import io.modelgateway.gateway.policy.CompliancePolicies;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The policies in memory: the stored levels (compiled) and, per tenant and deployment, the merged
 * {@link EffectivePolicy}, computed on first use. A change swaps in a new snapshot whole, so a merge
 * never mixes old and new levels.
 */
final class PolicyStore {

    record Key(String tenant, String deployment) {}

    private record Snapshot(Map<Key, Level> levels, Map<Key, EffectivePolicy> effective) {}

    private volatile Snapshot snapshot = new Snapshot(Map.of(), new ConcurrentHashMap<>());

    EffectivePolicy effective(String tenant, String deployment) {
        Snapshot s = snapshot;
        if (s.levels().isEmpty()) {
            return EffectivePolicy.NONE;
        }
        return s.effective().computeIfAbsent(new Key(tenant, deployment), k -> merge(s.levels(), k));
    }

    private static EffectivePolicy merge(Map<Key, Level> all, Key key) {
        String any = CompliancePolicies.ALL_DEPLOYMENTS;
        String platform = CompliancePolicies.PLATFORM;
        List<Level> chain = new ArrayList<>(4);
        for (Key k :
                List.of(new Key(platform, any), new Key(platform, key.deployment()), new Key(key.tenant(), any), key)) {
            Level level = all.get(k);
            if (level != null && !chain.contains(level)) {
                chain.add(level);
            }
        }
        return EffectivePolicy.merge(chain);
    }

    @Nullable
    Level level(String tenant, String deployment) {
        return snapshot.levels().get(new Key(tenant, deployment));
    }

    /** Replaces everything (a reload). */
    synchronized void replaceAll(Map<Key, Level> loaded) {
        snapshot = new Snapshot(Map.copyOf(loaded), new ConcurrentHashMap<>());
    }

    /** One level changed ({@code null} = removed). */
    synchronized void set(String tenant, String deployment, @Nullable Level level) {
        Map<Key, Level> copy = new HashMap<>(snapshot.levels());
        if (level == null) {
            copy.remove(new Key(tenant, deployment));
        } else {
            copy.put(new Key(tenant, deployment), level);
        }
        snapshot = new Snapshot(Map.copyOf(copy), new ConcurrentHashMap<>());
    }
}
