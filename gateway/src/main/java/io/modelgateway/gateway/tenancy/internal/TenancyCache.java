package io.modelgateway.gateway.tenancy.internal;

import io.modelgateway.gateway.tenancy.ApiKey;
import io.modelgateway.gateway.tenancy.Credential;
import io.modelgateway.gateway.tenancy.KeyCheck;
import io.modelgateway.gateway.tenancy.KeyCheck.Outcome;
import io.modelgateway.gateway.tenancy.Keys;
import io.modelgateway.gateway.tenancy.Tenant;
import io.modelgateway.gateway.tenancy.internal.TenancyRepository.StoredKey;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An immutable snapshot of all tenants and keys, swapped whole on every reload: the request path reads
 * one volatile field and two hash maps, and never waits for the database.
 */
final class TenancyCache {

    private static final HexFormat HEX = HexFormat.of();

    /** A key as the request path needs it. */
    record Entry(
            byte[] hash,
            Credential credential,
            @Nullable Instant expiresAt,
            @Nullable Instant revokedAt) {}

    private record Snapshot(Map<ByteBuffer, Entry> keys, Map<String, Tenant> tenants) {}

    private final List<Entry> configured;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of());

    /** @param configured keys from configuration (the admin key), merged into every snapshot */
    TenancyCache(List<Entry> configured) {
        this.configured = List.copyOf(configured);
    }

    static Entry entry(String hash, ApiKey k) {
        Credential c = new Credential(k.id(), k.tenantId(), k.name(), k.scopes());
        return new Entry(HEX.parseHex(hash), c, k.expiresAt(), k.revokedAt());
    }

    void replace(List<Tenant> tenants, List<StoredKey> keys) {
        Map<ByteBuffer, Entry> byHash = new HashMap<>(keys.size() * 2 + configured.size() * 2);
        for (StoredKey k : keys) {
            Entry e = entry(k.hash(), k.key());
            byHash.put(ByteBuffer.wrap(e.hash()), e);
        }
        configured.forEach(e -> byHash.put(ByteBuffer.wrap(e.hash()), e));
        Map<String, Tenant> byId = new HashMap<>(tenants.size() * 2);
        tenants.forEach(t -> byId.put(t.id(), t));
        snapshot = new Snapshot(Map.copyOf(byHash), Map.copyOf(byId));
    }

    KeyCheck check(String presented, Instant now) {
        byte[] hash = Keys.sha256(presented);
        Snapshot s = snapshot;
        // Looked up by the SHA-256 of the presented key: the map compares hashes, never the secret itself, so a
        // hit is the match (comparing the hashes again, in constant time, would compare a value with itself).
        Entry e = s.keys().get(ByteBuffer.wrap(hash));
        if (e == null) {
            return KeyCheck.of(Outcome.UNKNOWN);
        }
        if (e.revokedAt() != null) {
            return new KeyCheck(Outcome.REVOKED, e.credential(), null);
        }
        if (e.expiresAt() != null && !now.isBefore(e.expiresAt())) {
            return new KeyCheck(Outcome.EXPIRED, e.credential(), null);
        }
        return withTenant(s, e.credential());
    }

    KeyCheck withTenant(Credential c) {
        return withTenant(snapshot, c);
    }

    private static KeyCheck withTenant(Snapshot s, Credential c) {
        if (c.tenantId() == null) {
            return new KeyCheck(Outcome.OK, c, null);
        }
        Tenant t = s.tenants().get(c.tenantId());
        if (t == null) {
            return new KeyCheck(Outcome.TENANT_UNKNOWN, c, null);
        }
        return new KeyCheck(t.active() ? Outcome.OK : Outcome.TENANT_SUSPENDED, c, t);
    }
}
