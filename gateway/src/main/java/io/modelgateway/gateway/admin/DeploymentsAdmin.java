package io.modelgateway.gateway.admin;

import io.modelgateway.gateway.admin.Requests.SetTenants;
import io.modelgateway.gateway.admin.Views.DeploymentView;
import io.modelgateway.gateway.config.GatewayProperties.DeploymentProperties;
import io.modelgateway.gateway.deployment.DeploymentCatalog;
import io.modelgateway.gateway.deployment.DeploymentDefinition;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.tenancy.Tenancy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Deployments: list and get every deployment served (configured or admin-defined, with all settings and the
 * tenants allowed on it), define, replace and delete admin-defined ones, and set which tenants may use any.
 */
final class DeploymentsAdmin {

    /** Public names are the OpenAI {@code model} and part of Azure's path: no '/', no '*'. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private static final Set<String> SETTINGS = Set.of(
            "kind",
            "backend",
            "model",
            "chat_template",
            "token_encoding",
            "default_max_tokens",
            "max_tokens_limit",
            "first_token_timeout",
            "idle_timeout",
            "request_timeout",
            "rpm",
            "tpm",
            "layout",
            "region");
    private static final Set<String> CATALOG = Set.of(
            "display_name",
            "description",
            "publisher",
            "license",
            "tags",
            "modalities",
            "context_length",
            "max_output_tokens",
            "embedding_dimensions",
            "lifecycle",
            "deprecation_date",
            "retirement_date",
            "successor");

    private final Tenancy tenancy;
    private final Deployments deployments;
    private final DeploymentCatalog catalog;
    private final AdminJson json;

    DeploymentsAdmin(Tenancy tenancy, Deployments deployments, DeploymentCatalog catalog, AdminJson json) {
        this.tenancy = tenancy;
        this.deployments = deployments;
        this.catalog = catalog;
        this.json = json;
    }

    Mono<ServerResponse> list(ServerRequest req) {
        return Flux.fromIterable(deployments.definitions())
                .concatMap(this::view)
                .collectList()
                .flatMap(AdminJson::list);
    }

    Mono<ServerResponse> get(ServerRequest req) {
        return view(definition(req)).flatMap(AdminJson::ok);
    }

    /** {@code POST /deployments}: {@code name}, the settings, and optionally {@code tenants}. */
    Mono<ServerResponse> create(ServerRequest req) {
        return json.tree(req)
                .flatMap(body -> {
                    String name = name(body);
                    Definition def = definition(body);
                    return requireTenants(def.tenants())
                            .then(catalog.create(name, def.settings()))
                            .flatMap(d -> withTenants(d, def.tenants()));
                })
                .flatMap(AdminJson::created);
    }

    /** {@code PUT /deployments/{d}}: all settings again (absent ones take their defaults); tenants if given. */
    Mono<ServerResponse> replace(ServerRequest req) {
        String name = req.pathVariable("deployment");
        return json.tree(req)
                .flatMap(body -> {
                    JsonNode named = body.get("name");
                    if (named != null && !(named.isString() && name.equals(named.asString()))) {
                        throw ApiException.invalid(
                                "name", "invalid_value", "'name' must match the path, or be left out.");
                    }
                    Definition def = definition(body);
                    return requireTenants(def.tenants())
                            .then(catalog.replace(name, def.settings()))
                            .flatMap(d -> withTenants(d, def.tenants()));
                })
                .flatMap(AdminJson::ok);
    }

    /** {@code DELETE /deployments/{d}}: stops serving it and forgets which tenants were allowed on it. */
    Mono<ServerResponse> delete(ServerRequest req) {
        String name = req.pathVariable("deployment");
        return catalog.delete(name)
                .flatMap(d -> tenancy.setDeploymentTenants(name, Set.of()).thenReturn(d))
                .flatMap(d -> AdminJson.ok(Map.of("object", "deployment.deleted", "id", name, "deleted", true)));
    }

    Mono<ServerResponse> setTenants(ServerRequest req) {
        DeploymentDefinition d = definition(req);
        return json.read(req, SetTenants.class)
                .flatMap(body -> tenancy.setDeploymentTenants(d.name(), Set.copyOf(body.tenants()))
                        .switchIfEmpty(Mono.error(DeploymentsAdmin::unknownTenants)))
                .map(tenants -> DeploymentView.of(d, tenants))
                .flatMap(AdminJson::ok);
    }

    private record Definition(DeploymentProperties settings, List<String> tenants) {}

    private Definition definition(JsonNode body) {
        Map<String, String> fields = new LinkedHashMap<>();
        List<String> tenants = null;
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            String field = e.getKey();
            JsonNode value = e.getValue();
            if (field.equals("tenants")) {
                tenants = tenants(value);
            } else if (field.equals("name")) {
                continue;
            } else if (field.equals("catalog")) {
                catalog(value, fields);
            } else if (!SETTINGS.contains(field)) {
                throw ApiException.invalid(
                        field, "unknown_parameter", "Unrecognized request argument supplied: " + field);
            } else if (!value.isNull()) {
                if (!value.isValueNode()) {
                    throw ApiException.invalid(field, "invalid_type", "Invalid type for '" + field + "'.");
                }
                fields.put(field, value.asString());
            }
        }
        return new Definition(catalog.settings(fields), tenants);
    }

    /** The {@code catalog} object as settings {@code catalog.<field>}, lists as {@code catalog.<field>[i]}. */
    private static void catalog(JsonNode value, Map<String, String> fields) {
        if (value.isNull()) {
            return;
        }
        if (!value.isObject()) {
            throw ApiException.invalid("catalog", "invalid_type", "Invalid type for 'catalog': expected an object.");
        }
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            String field = "catalog." + e.getKey();
            JsonNode v = e.getValue();
            if (!CATALOG.contains(e.getKey())) {
                throw ApiException.invalid(
                        field, "unknown_parameter", "Unrecognized request argument supplied: " + field);
            }
            if (v.isArray()) {
                for (int i = 0; i < v.size(); i++) {
                    if (!v.get(i).isValueNode() || v.get(i).isNull()) {
                        throw ApiException.invalid(field, "invalid_type", "Invalid type for '" + field + "'.");
                    }
                    fields.put(field + "[" + i + "]", v.get(i).asString());
                }
            } else if (!v.isNull()) {
                if (!v.isValueNode()) {
                    throw ApiException.invalid(field, "invalid_type", "Invalid type for '" + field + "'.");
                }
                fields.put(field, v.asString());
            }
        }
    }

    private static String name(JsonNode body) {
        JsonNode name = body.get("name");
        if (name == null || name.isNull()) {
            throw ApiException.invalid("name", "missing_required_parameter", "Missing required parameter: 'name'.");
        }
        if (!name.isString() || !NAME.matcher(name.asString()).matches()) {
            throw ApiException.invalid(
                    "name",
                    "invalid_value",
                    "Invalid 'name': letters, digits, '.', '_', ':' "
                            + "and '-', starting with a letter or digit, at most 128.");
        }
        return name.asString();
    }

    private static List<String> tenants(JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw ApiException.invalid("tenants", "invalid_type", "Invalid type for 'tenants'.");
        }
        List<String> out = new ArrayList<>();
        value.forEach(t -> {
            if (!t.isString() || t.asString().isBlank()) {
                throw ApiException.invalid("tenants", "invalid_value", "Invalid 'tenants': tenant ids.");
            }
            out.add(t.asString());
        });
        return out;
    }

    /** Refuses, before anything is stored, tenants that do not exist. */
    private Mono<Void> requireTenants(List<String> tenants) {
        if (tenants == null || tenants.isEmpty()) {
            return Mono.empty();
        }
        return tenancy.tenants().flatMap(all -> {
            Set<String> known = new HashSet<>();
            all.forEach(t -> known.add(t.id()));
            return known.containsAll(tenants) ? Mono.<Void>empty() : Mono.error(unknownTenants());
        });
    }

    private Mono<DeploymentView> withTenants(DeploymentDefinition d, List<String> tenants) {
        if (tenants == null) {
            return view(d);
        }
        return tenancy.setDeploymentTenants(d.name(), Set.copyOf(tenants))
                .switchIfEmpty(Mono.error(DeploymentsAdmin::unknownTenants))
                .map(t -> DeploymentView.of(d, t));
    }

    private DeploymentDefinition definition(ServerRequest req) {
        String name = req.pathVariable("deployment");
        return deployments.definition(name).orElseThrow(() -> ApiException.notFound("deployment", name));
    }

    private Mono<DeploymentView> view(DeploymentDefinition d) {
        return tenancy.deploymentTenants(d.name()).map(tenants -> DeploymentView.of(d, tenants));
    }

    private static ApiException unknownTenants() {
        return ApiException.invalid("tenants", "invalid_value", "Every tenant in 'tenants' must exist.");
    }
}
