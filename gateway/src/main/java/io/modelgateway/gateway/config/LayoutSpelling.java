package io.modelgateway.gateway.config;

import io.modelgateway.inference.Layout;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.converter.Converter;
import org.springframework.stereotype.Component;

/**
 * How a Triton model's tensor layout ({@link Layout}, the adapter's enum and the only one) is spelled in
 * configuration ({@code gateway.deployments.<name>.layout}), in the admin API's {@code layout} field and in the
 * {@code deployment} table: {@code auto}, {@code vllm} and {@code ensemble} (TensorRT-LLM's ensemble), with
 * case, {@code -} and {@code _} ignored as Spring's enum binding ignores them. Anything else is refused.
 * Registered for {@code @ConfigurationProperties} binding; {@link #conversions()} for a binder of one's own.
 */
@Component
@ConfigurationPropertiesBinding
public final class LayoutSpelling implements Converter<String, Layout> {

    /** Spelling to layout, as written (lower case). */
    public static Layout parse(String text) {
        String canonical =
                text.strip().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        return switch (canonical) {
            case "auto" -> Layout.AUTO;
            case "vllm" -> Layout.VLLM;
            case "ensemble" -> Layout.TRTLLM_ENSEMBLE;
            default ->
                throw new IllegalArgumentException(
                        "unknown layout '" + text + "': expected one of auto, vllm, ensemble");
        };
    }

    /** The layout as configuration spells it ({@code ensemble} for TensorRT-LLM's). */
    public static String of(Layout layout) {
        return switch (layout) {
            case AUTO -> "auto";
            case VLLM -> "vllm";
            case TRTLLM_ENSEMBLE -> "ensemble";
        };
    }

    /** Spring Boot's conversions plus this one (for a {@code Binder} built outside the application's binding). */
    public static ConversionService conversions() {
        ApplicationConversionService conversions = new ApplicationConversionService();
        conversions.addConverter(new LayoutSpelling());
        return conversions;
    }

    @Override
    public Layout convert(String source) {
        return parse(source);
    }
}
