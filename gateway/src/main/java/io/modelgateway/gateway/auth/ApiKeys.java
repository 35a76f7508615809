package io.modelgateway.gateway.auth;

import io.modelgateway.gateway.config.GatewayProperties;
import io.modelgateway.gateway.config.GatewayProperties.ApiKeyProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The accepted API keys, held only as SHA-256 hashes. A presented key is hashed and looked up; the
 * stored hash is then compared in constant time. Keys and hashes are never logged.
 */
@Component
public class ApiKeys {

    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);
    private static final HexFormat HEX = HexFormat.of();

    private final Map<String, Entry> byHash = new HashMap<>();

    private record Entry(byte[] hash, Caller caller) {}

    public ApiKeys(GatewayProperties properties) {
        for (ApiKeyProperties k : properties.apiKeys()) {
            add(hashOf(k), new Caller(k.tenant(), k.name()));
        }
        if (properties.embeddedModelServer().enabled()) {
            addDemoKey(properties.demoApiKey());
        }
    }

    private void addDemoKey(String configured) {
        String key = configured;
        if (key == null || key.isBlank()) {
            key = generate("sk-demo-");
            // Printed once so the README's examples work; set GATEWAY_DEMO_API_KEY to choose it.
            System.out.println("Generated demo API key (set GATEWAY_DEMO_API_KEY to fix it): " + key);
        }
        add(sha256(key), new Caller("demo", "demo"));
        log.info("demo tenant 'demo' is enabled");
    }

    private void add(byte[] hash, Caller caller) {
        byHash.put(HEX.formatHex(hash), new Entry(hash, caller));
    }

    private static byte[] hashOf(ApiKeyProperties k) {
        if (k.sha256() != null && !k.sha256().isBlank()) {
            return HEX.parseHex(k.sha256().trim().toLowerCase());
        }
        if (k.key() != null && !k.key().isBlank()) {
            return sha256(k.key());
        }
        throw new IllegalArgumentException("api key '" + k.name() + "' needs sha256 or key");
    }

    /** The caller this key belongs to, if any. */
    public Optional<Caller> authenticate(String presented) {
        byte[] hash = sha256(presented);
        Entry e = byHash.get(HEX.formatHex(hash));
        if (e == null || !MessageDigest.isEqual(e.hash(), hash)) {
            return Optional.empty();
        }
        return Optional.of(e.caller());
    }

    public static String generate(String prefix) {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
