package io.modelgateway.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.modelgateway.billing.usage.UsageRecord;
import io.modelgateway.billing.usage.UsageWriter;
import io.modelgateway.gateway.GatewayTestBase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Finding 6 of issue 15 end to end: a JWT with a 300-character subject is served and its usage stored under a
 * bounded credential id; a record the database refuses is set aside (counted in
 * {@code gateway_usage_dead_letters_total}) while another tenant's calls keep being recorded.
 */
class UsageDeadLetterEndToEndTest extends GatewayTestBase {

    @Autowired
    DataSource dataSource;

    @Autowired
    UsageWriter writer;

    private static ChatCompletionCreateParams chat() {
        return ChatCompletionCreateParams.builder()
                .model("echo")
                .addUserMessage("hello")
                .maxCompletionTokens(5)
                .build();
    }

    private String tenant(String prefix) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        admin().createTenant(id, "echo");
        return id;
    }

    private @Nullable String one(String query, String arg) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(query)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    @Test
    void aJwtWithAVeryLongSubjectIsBilledUnderABoundedCredentialId() throws Exception {
        String tenant = tenant("jwt-longsub"); // the issuer may name tenants "jwt-*"
        String token = ISSUER.token(Map.of("tid", tenant, "scope", "inference", "sub", "s".repeat(300)));
        assertThat(openAi(token).chat().completions().create(chat()).choices()).hasSize(1);
        assertThat(writer.awaitStored(Duration.ofSeconds(20))).isTrue();

        String keyId = one("SELECT api_key_id FROM usage_record WHERE tenant_id = ?", tenant);
        assertThat(keyId).startsWith("jwt:sss").hasSizeLessThanOrEqualTo(128);
        assertThat(one("SELECT COUNT(*) FROM usage_dead_letter WHERE tenant_id = ?", tenant))
                .isEqualTo("0");
    }

    @Test
    void aRecordTheDatabaseRefusesGoesAsideAndIsCountedWhileOtherTenantsKeepBeingRecorded() throws Exception {
        double before = Scrape.of(managementUrl()).sum("gateway_usage_dead_letters_total", Map.of());
        String refused = tenant("refused");
        String other = tenant("flowing");
        Instant now = Instant.now();
        String id = "dl-" + UUID.randomUUID();
        assertThat(writer.offer(new UsageRecord(
                        id,
                        refused,
                        "key_x",
                        "d".repeat(250),
                        "echo",
                        "chat",
                        3,
                        0,
                        2,
                        false,
                        0,
                        0,
                        "completed",
                        200,
                        now,
                        now,
                        now)))
                .isTrue(); // deployment wider than the column
        String key = admin().issueKey(other);
        for (int i = 0; i < 3; i++) {
            assertThat(openAi(key).chat().completions().create(chat()).choices())
                    .hasSize(1);
        }
        assertThat(writer.awaitStored(Duration.ofSeconds(20))).isTrue();

        assertThat(one("SELECT COUNT(*) FROM usage_record WHERE tenant_id = ?", other))
                .isEqualTo("3");
        assertThat(one("SELECT tenant_id FROM usage_dead_letter WHERE request_id = ?", id))
                .isEqualTo(refused);
        assertThat(one("SELECT COUNT(*) FROM usage_record WHERE request_id = ?", id))
                .isEqualTo("0");
        assertThat(Scrape.of(managementUrl()).sum("gateway_usage_dead_letters_total", Map.of()))
                .isEqualTo(before + 1);
        assertThat(writer.healthy()).isTrue();
    }
}
