package io.modelgateway.gateway.tenancy;

/**
 * A key just created or rotated: the only time the secret is available. It is not stored anywhere
 * (only its hash is), so it cannot be shown again.
 */
public record IssuedKey(ApiKey key, String secret) {

    @Override
    public String toString() {
        return "IssuedKey[" + key.id() + "]";
    }
}
