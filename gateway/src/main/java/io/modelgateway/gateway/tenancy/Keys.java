package io.modelgateway.gateway.tenancy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Key material: generated keys are {@value #PREFIX} plus 256 random bits, so a plain SHA-256 is a safe
 * way to store them (no salt or slow hash is needed for keys nobody chose).
 */
public final class Keys {

    /** Recognisable prefix of the keys this gateway issues (secret scanners can match it). */
    public static final String PREFIX = "sk-mg-";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HexFormat HEX = HexFormat.of();

    private Keys() {}

    public static String generate(String prefix) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    public static String newId(String prefix) {
        byte[] random = new byte[12];
        RANDOM.nextBytes(random);
        return prefix + HEX.formatHex(random);
    }

    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256Hex(String key) {
        return HEX.formatHex(sha256(key));
    }

    public static String lastFour(String key) {
        return key.substring(Math.max(0, key.length() - 4));
    }
}
