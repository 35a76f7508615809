package io.modelgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Raw HTTP calls to the admin API, with whatever credential the test chooses. */
public final class AdminClient {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final String baseUrl;
    private final String credential;

    public AdminClient(String baseUrl, String credential) {
        this.baseUrl = baseUrl;
        this.credential = credential;
    }

    public AdminClient as(String otherCredential) {
        return new AdminClient(baseUrl, otherCredential);
    }

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public HttpResponse<String> send(String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/admin/v1" + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (credential != null) {
            b.header("Authorization", "Bearer " + credential);
        }
        try {
            // one keep-alive client for every admin call (see KeepAliveTest)
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends and expects {@code status}; returns the JSON body. */
    public JsonNode expect(int status, String method, String path, String json) {
        HttpResponse<String> r = send(method, path, json);
        assertThat(r.statusCode()).as(method + " " + path + " -> " + r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    public JsonNode createTenant(String id, String... deployments) {
        StringBuilder list = new StringBuilder();
        for (String d : deployments) {
            list.append(list.isEmpty() ? "" : ",").append('"').append(d).append('"');
        }
        return expect(
                201,
                "POST",
                "/tenants",
                "{\"id\":\"" + id + "\",\"name\":\"Tenant " + id + "\",\"deployments\":[" + list + "]}");
    }

    /** Issues a tenant key and returns the full key. */
    public String issueKey(String tenant, String body) {
        return expect(201, "POST", "/tenants/" + tenant + "/keys", body)
                .get("key")
                .asString();
    }

    public String issueKey(String tenant) {
        return issueKey(tenant, "{\"name\":\"test\"}");
    }

    /** The error object of an OpenAI-shaped error body, checked for its shape. */
    public static JsonNode error(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode error = JSON.readTree(r.body()).get("error");
        assertThat(error).as(r.body()).isNotNull();
        assertThat(error.get("message").asString()).isNotBlank();
        assertThat(error.has("type") && error.has("param")).isTrue();
        assertThat(error.get("code").asString()).isEqualTo(code);
        return error;
    }
}
