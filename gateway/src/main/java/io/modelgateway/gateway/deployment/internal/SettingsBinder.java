package io.modelgateway.gateway.deployment.internal;

import io.modelgateway.gateway.config.GatewayProperties.DeploymentProperties;
import io.modelgateway.gateway.config.LayoutSpelling;
import io.modelgateway.gateway.edge.error.ApiException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.core.convert.ConversionService;

/**
 * Binds admin API fields to {@link DeploymentProperties} with Spring Boot's own binder and the record's Jakarta
 * constraints: the same defaults, conversions ({@code "60s"}, {@code chat}, {@code ensemble}) and limits as
 * {@code gateway.deployments.<name>} in configuration. A failure is a 400 naming the field.
 */
final class SettingsBinder {

    private static final String PREFIX = "d";
    private static final ConversionService CONVERSIONS = LayoutSpelling.conversions();

    private final Validator validator;

    SettingsBinder(Validator validator) {
        this.validator = validator;
    }

    DeploymentProperties bind(Map<String, String> fields) {
        Map<String, String> source = new LinkedHashMap<>();
        fields.forEach((k, v) -> source.put(PREFIX + "." + k.replace('_', '-'), v));
        DeploymentProperties p;
        try {
            p = new Binder(List.of(new MapConfigurationPropertySource(source)), null, CONVERSIONS)
                    .bindOrCreate(PREFIX, Bindable.of(DeploymentProperties.class));
        } catch (BindException e) {
            // The binder's message names internal types and repeats the whole value: say what was wrong only.
            String field = field(e);
            String value = e.getProperty() == null
                    ? ""
                    : String.valueOf(e.getProperty().getValue());
            throw ApiException.invalid(
                    field,
                    "invalid_value",
                    "Invalid '" + field + "': '"
                            + (value.length() > 64 ? value.substring(0, 64) + "..." : value)
                            + "' is not a valid value of this setting.");
        }
        validator.validate(p).stream()
                .min(Comparator.comparing(v -> v.getPropertyPath().toString()))
                .ifPresent(SettingsBinder::reject);
        return p;
    }

    private static void reject(ConstraintViolation<DeploymentProperties> v) {
        String field = snake(v.getPropertyPath().toString());
        throw ApiException.invalid(field, "invalid_value", "Invalid '" + field + "': " + v.getMessage() + ".");
    }

    private static String field(BindException e) {
        String name = e.getProperty() != null
                ? e.getProperty().getName().toString()
                : e.getName().toString();
        return (name.startsWith(PREFIX + ".") ? name.substring(PREFIX.length() + 1) : name).replace('-', '_');
    }

    private static String snake(String path) {
        return path.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase();
    }
}
