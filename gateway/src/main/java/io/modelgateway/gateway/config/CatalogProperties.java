package io.modelgateway.gateway.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * A deployment's catalog entry ({@code gateway.deployments.<name>.catalog.*}, or {@code catalog} in the admin
 * API): what customers see about it in {@code /v1/models}, {@code /openai/models} and {@code /v1/catalog}, and
 * its lifecycle. Checked with the deployment (see {@code DefinitionCheck}): a deprecated deployment needs a
 * retirement date, embedding dimensions belong to embeddings deployments, max output fits the context.
 *
 * @param displayName a human name ({@code null} = the deployment's name)
 * @param description what the model is good for
 * @param publisher who made the model (also OpenAI's {@code owned_by}; {@code null} = the gateway)
 * @param license its licence (an SPDX id or a name)
 * @param tags free words to search by
 * @param modalities what it takes as input: {@code text}, {@code image}, {@code audio}, {@code video}
 * @param contextLength the most tokens of prompt and answer together
 * @param maxOutputTokens the most tokens of one answer
 * @param embeddingDimensions the length of its vectors (embeddings deployments only)
 * @param lifecycle {@code preview}, {@code generally-available}, {@code deprecated} (needs a retirement date;
 *        calls get {@code Deprecation}, {@code Sunset} and {@code Warning} headers) or {@code retired} (calls
 *        get 410)
 * @param deprecationDate the day it was (or will be) deprecated, {@code YYYY-MM-DD} (UTC), for the
 *        {@code Deprecation} header
 * @param retirementDate the day it stops serving, {@code YYYY-MM-DD} (UTC): from then on a deprecated deployment
 *        answers like a retired one
 * @param successor the deployment to use instead, named in headers and in the 410
 */
public record CatalogProperties(
        @Size(max = 200) String displayName,
        @Size(max = 4000) String description,
        @Size(max = 200) String publisher,
        @Size(max = 200) String license,
        @DefaultValue @Size(max = 32) List<@NotBlank @Size(max = 64) String> tags,

        @DefaultValue("text") @Size(min = 1, max = 4)
        List<
                        @NotNull
                        @Pattern(regexp = "text|image|audio|video", message = "must be text, image, audio or video")
                        String>
                modalities,

        @Positive Integer contextLength,
        @Positive Integer maxOutputTokens,
        @Positive Integer embeddingDimensions,
        @DefaultValue("GENERALLY_AVAILABLE") @NotNull Lifecycle lifecycle,

        @Pattern(regexp = DATE, message = "must be a date YYYY-MM-DD")
        String deprecationDate,

        @Pattern(regexp = DATE, message = "must be a date YYYY-MM-DD")
        String retirementDate,

        @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._:-]{0,127}", message = "must be a deployment name")
        String successor) {

    static final String DATE = "\\d{4}-\\d{2}-\\d{2}";

    /** No metadata: generally available, text in. */
    public static final CatalogProperties NONE =
            new CatalogProperties(null, null, null, null, null, null, null, null, null, null, null, null, null);

    public CatalogProperties {
        tags = tags == null ? List.of() : List.copyOf(tags);
        modalities = modalities == null ? List.of("text") : List.copyOf(modalities);
        lifecycle = lifecycle == null ? Lifecycle.GENERALLY_AVAILABLE : lifecycle;
    }

    /** The retirement date, when one is set and valid. */
    public Optional<LocalDate> retirement() {
        return date(retirementDate);
    }

    /** The deprecation date, when one is set and valid. */
    public Optional<LocalDate> deprecation() {
        return date(deprecationDate);
    }

    /** The lifecycle in force on {@code today}: a deprecated deployment is retired from its retirement date. */
    public Lifecycle lifecycleOn(LocalDate today) {
        if (lifecycle == Lifecycle.DEPRECATED
                && retirement().filter(day -> !today.isBefore(day)).isPresent()) {
            return Lifecycle.RETIRED;
        }
        return lifecycle;
    }

    private static Optional<LocalDate> date(String value) {
        try {
            return Optional.ofNullable(value).map(LocalDate::parse);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Where a deployment is in its life. */
    public enum Lifecycle {
        PREVIEW,
        GENERALLY_AVAILABLE,
        DEPRECATED,
        RETIRED;

        /** As the API spells it: {@code generally-available}. */
        public String value() {
            return name().toLowerCase().replace('_', '-');
        }
    }
}
