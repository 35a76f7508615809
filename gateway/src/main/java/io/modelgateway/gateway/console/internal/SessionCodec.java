package io.modelgateway.gateway.console.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import tools.jackson.databind.JsonNode;

/**
 * How a shared session is stored outside the process: under the SHA-256 of its id (the id, a bearer secret, is
 * never stored), its fields as JSON encrypted with AES-256-GCM under a key derived from the configured secret,
 * with the stored id as additional data (a blob cannot be moved to another id). A blob that does not decrypt
 * (another secret, tampering) is no session.
 */
final class SessionCodec {

    static final int MIN_SECRET_LENGTH = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    SessionCodec(String secret) {
        if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalStateException(
                    "gateway.console.session-secret must be set, at least " + MIN_SECRET_LENGTH
                            + " characters and the same on every replica, when console sessions are shared (Redis or database)");
        }
        this.key = new SecretKeySpec(
                sha256(("model-gateway console sessions\n" + secret).getBytes(StandardCharsets.UTF_8)), "AES");
    }

    /** The name a session is stored under. */
    static String storedId(String id) {
        return HexFormat.of().formatHex(sha256(id.getBytes(StandardCharsets.UTF_8)));
    }

    String seal(Session s) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("key", s.key());
        v.put("credential", s.credentialId());
        v.put("role", s.role().name());
        v.put("tenant", s.tenant());
        v.put("csrf", s.csrf());
        v.put("created", s.created().toEpochMilli());
        v.put("last_seen", s.lastSeen().toEpochMilli());
        v.put("not_after", s.notAfter().toEpochMilli());
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        byte[] sealed = crypt(Cipher.ENCRYPT_MODE, iv, storedId(s.id()), GatewayApi.JSON.writeValueAsBytes(v));
        return Base64.getEncoder()
                .encodeToString(ByteBuffer.allocate(IV_BYTES + sealed.length)
                        .put(iv)
                        .put(sealed)
                        .array());
    }

    /** The session stored for {@code id}, or {@code null} when the blob does not decrypt under our key. */
    Session open(String id, String blob) {
        byte[] all = Base64.getDecoder().decode(blob);
        byte[] iv = java.util.Arrays.copyOf(all, IV_BYTES);
        byte[] plain;
        try {
            plain = crypt(
                    Cipher.DECRYPT_MODE, iv, storedId(id), java.util.Arrays.copyOfRange(all, IV_BYTES, all.length));
        } catch (IllegalStateException e) {
            return null;
        }
        JsonNode v = GatewayApi.JSON.readTree(plain);
        JsonNode tenant = v.get("tenant");
        return new Session(
                id,
                v.get("key").asString(),
                v.get("credential").asString(),
                Role.valueOf(v.get("role").asString()),
                tenant == null || tenant.isNull() ? null : tenant.asString(),
                v.get("csrf").asString(),
                Instant.ofEpochMilli(v.get("created").asLong()),
                Instant.ofEpochMilli(v.get("last_seen").asLong()),
                Instant.ofEpochMilli(v.get("not_after").asLong()));
    }

    private byte[] crypt(int mode, byte[] iv, String aad, byte[] input) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
            c.updateAAD(aad.getBytes(StandardCharsets.US_ASCII));
            return c.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("session blob: " + e.getClass().getSimpleName());
        }
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
