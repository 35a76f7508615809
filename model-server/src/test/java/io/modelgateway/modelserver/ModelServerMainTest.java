package io.modelgateway.modelserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ModelServerMainTest {

    @Test
    void parsesOptionsAndStartsAServer() {
        ModelServer server = ModelServerMain.parse(new String[] {
                    "--port",
                    "0",
                    "--host",
                    "127.0.0.1",
                    "--ttft-ms",
                    "25",
                    "--tokens-per-second",
                    "12.5",
                    "--no-embeddings"
                })
                .start();
        try {
            assertThat(server.port()).isPositive();
            assertThat(server.models()).containsExactly("echo");
            assertThat(server.echoSettings()).isEqualTo(new EchoSettings(Duration.ofMillis(25), 12.5));
        } finally {
            server.close();
        }
    }

    @Test
    void rejectsUnknownOrIncompleteOptions() {
        assertThatThrownBy(() -> ModelServerMain.parse(new String[] {"--gpu"})).hasMessageContaining("--gpu");
        assertThatThrownBy(() -> ModelServerMain.parse(new String[] {"--port"})).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> ModelServerMain.parse(new String[] {"--port", "x"}))
                .hasMessageContaining("integer");
    }
}
