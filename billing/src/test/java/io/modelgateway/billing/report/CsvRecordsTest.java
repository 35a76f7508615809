package io.modelgateway.billing.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.billing.usage.UsageSamples;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The records CSV clients parse keeps its header and field rendering (bytes written by commit 9ffd7a0). */
class CsvRecordsTest {

    @Test
    void headerAndRecordsAreRenderedAsBefore() throws IOException {
        StringBuilder b = new StringBuilder(Csv.RECORDS_HEADER);
        UsageSamples.all().forEach(r -> Csv.record(b, r));
        try (InputStream in = getClass().getResourceAsStream("/usage-formats/records.csv")) {
            assertThat(in).isNotNull();
            assertThat(b.toString()).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
