package io.modelgateway.gateway.deployment.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelgateway.gateway.config.CatalogProperties;
import io.modelgateway.gateway.config.CatalogProperties.Lifecycle;
import io.modelgateway.gateway.config.GatewayProperties.DeploymentProperties;
import io.modelgateway.gateway.deployment.DefinitionProblem;
import io.modelgateway.gateway.deployment.DeploymentDefinition;
import io.modelgateway.gateway.edge.error.ApiException;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Catalog entries bind and validate like the rest of a deployment, with Spring Boot's binder (relaxed enum
 * names, lists) and the record's constraints, and a configured deployment with an inconsistent entry stops
 * the start (the registry refuses it) with the property named.
 */
class CatalogEntryCheckTest {

    private static final ValidatorFactory VALIDATION = Validation.buildDefaultValidatorFactory();
    private static final SettingsBinder BINDER = new SettingsBinder(VALIDATION.getValidator());
    private static final BackendsFactory BACKENDS = new BackendsFactory(Map.of(), () -> "127.0.0.1:1", null);

    @AfterAll
    static void close() {
        VALIDATION.close();
    }

    private static DeploymentProperties bind(String... fields) {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("model", "echo");
        for (int i = 0; i < fields.length; i += 2) {
            map.put(fields[i], fields[i + 1]);
        }
        return BINDER.bind(map);
    }

    private static Optional<String> problem(String... fields) {
        return DefinitionCheck.catalog(bind(fields)).map(DefinitionProblem::field);
    }

    @Test
    void bindsEveryFieldWithConfigurationsConversions() {
        CatalogProperties c = bind(
                        "catalog.display_name",
                        "Echo",
                        "catalog.tags[0]",
                        "small",
                        "catalog.tags[1]",
                        "fast",
                        "catalog.modalities[0]",
                        "text",
                        "catalog.modalities[1]",
                        "image",
                        "catalog.lifecycle",
                        "generally-available",
                        "catalog.context_length",
                        "8192",
                        "catalog.max_output_tokens",
                        "1024",
                        "catalog.retirement_date",
                        "2030-02-01")
                .catalog();
        assertThat(c.displayName()).isEqualTo("Echo");
        assertThat(c.tags()).containsExactly("small", "fast");
        assertThat(c.modalities()).containsExactly("text", "image");
        assertThat(c.lifecycle()).isEqualTo(Lifecycle.GENERALLY_AVAILABLE);
        assertThat(c.contextLength()).isEqualTo(8192);
        assertThat(c.retirement()).hasValue(LocalDate.of(2030, 2, 1));
        assertThat(bind().catalog()).isEqualTo(CatalogProperties.NONE);
        assertThat(bind("catalog.lifecycle", "preview").catalog().lifecycle()).isEqualTo(Lifecycle.PREVIEW);
    }

    @Test
    void constraintViolationsNameTheField() {
        assertThatThrownBy(() -> bind("catalog.lifecycle", "beta"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.param()).isEqualTo("catalog.lifecycle"));
        assertThatThrownBy(() -> bind("catalog.context_length", "0"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.param()).isEqualTo("catalog.context_length"));
        assertThatThrownBy(() -> bind("catalog.retirement_date", "soon"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.param()).isEqualTo("catalog.retirement_date"));
        assertThatThrownBy(() -> bind("catalog.successor", "a b"))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.param()).isEqualTo("catalog.successor"));
    }

    @Test
    void consistencyChecks() {
        assertThat(problem("catalog.lifecycle", "deprecated")).hasValue("catalog.retirement_date");
        assertThat(problem("catalog.lifecycle", "deprecated", "catalog.retirement_date", "2030-01-01"))
                .isEmpty();
        assertThat(problem("catalog.retirement_date", "2030-02-30")).hasValue("catalog.retirement_date");
        assertThat(problem(
                        "catalog.lifecycle",
                        "deprecated",
                        "catalog.deprecation_date",
                        "2030-02-01",
                        "catalog.retirement_date",
                        "2030-01-01"))
                .hasValue("catalog.retirement_date");
        assertThat(problem("catalog.successor", "other")).hasValue("catalog.successor");
        assertThat(problem("catalog.lifecycle", "retired", "catalog.successor", "other"))
                .isEmpty();
        assertThat(problem("catalog.embedding_dimensions", "384")).hasValue("catalog.embedding_dimensions");
        assertThat(problem("kind", "embeddings", "catalog.embedding_dimensions", "384"))
                .isEmpty();
        assertThat(problem("kind", "embeddings", "catalog.max_output_tokens", "10"))
                .hasValue("catalog.max_output_tokens");
        assertThat(problem("catalog.context_length", "100", "catalog.max_output_tokens", "101"))
                .hasValue("catalog.max_output_tokens");
    }

    @Test
    void configuredDeploymentWithAnInconsistentEntryStopsTheStart() {
        DeploymentDefinition bad = DeploymentDefinition.configured("old", bind("catalog.lifecycle", "deprecated"));
        assertThatThrownBy(() -> Snapshot.build(BACKENDS, List.of(bad), List.of(), Snapshot.EMPTY, (n, p) -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("deployment 'old'")
                .hasMessageContaining("catalog.retirement-date");
    }

    @Test
    void deprecatedIsRetiredFromItsRetirementDate() {
        CatalogProperties c = bind("catalog.lifecycle", "deprecated", "catalog.retirement_date", "2030-01-01")
                .catalog();
        assertThat(c.lifecycleOn(LocalDate.of(2029, 12, 31))).isEqualTo(Lifecycle.DEPRECATED);
        assertThat(c.lifecycleOn(LocalDate.of(2030, 1, 1))).isEqualTo(Lifecycle.RETIRED);
        assertThat(CatalogProperties.NONE.lifecycleOn(LocalDate.of(2030, 1, 1)))
                .isEqualTo(Lifecycle.GENERALLY_AVAILABLE);
    }
}
