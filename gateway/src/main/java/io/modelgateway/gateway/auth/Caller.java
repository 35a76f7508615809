package io.modelgateway.gateway.auth;

/**
 * Who is calling: the tenant and the key they used (its name, never the key).
 */
public record Caller(String tenant, String keyName) {

    public static final String ATTRIBUTE = Caller.class.getName();
}
