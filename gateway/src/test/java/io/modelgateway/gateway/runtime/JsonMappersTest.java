package io.modelgateway.gateway.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** The shared JSON settings hold in both mappers; the admin one adds snake_case and refuses unknown fields. */
class JsonMappersTest {

    record Price(String modelName, BigDecimal perToken) {}

    @Test
    void decimalsAreWrittenPlainlyByBoth() {
        assertThat(JsonMappers.JSON.writeValueAsString(Map.of("p", new BigDecimal("5E-7"))))
                .isEqualTo("{\"p\":0.0000005}");
        assertThat(JsonMappers.ADMIN.writeValueAsString(new Price("m", new BigDecimal("5E-7"))))
                .isEqualTo("{\"model_name\":\"m\",\"per_token\":0.0000005}");
    }

    @Test
    void theAdminMapperRefusesUnknownFieldsThePlainOneIgnoresThem() {
        String json = "{\"modelName\":\"m\",\"perToken\":1,\"extra\":true}";
        assertThat(JsonMappers.JSON.readValue(json, Price.class)).isEqualTo(new Price("m", BigDecimal.ONE));
        assertThatThrownBy(() -> JsonMappers.ADMIN.readValue(json, Price.class))
                .isInstanceOf(UnrecognizedPropertyException.class);
    }
}
