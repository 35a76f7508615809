package io.modelgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The server's JVM defaults apply only where the command line set nothing. */
class ServerDefaultsTest {

    @Test
    void leakDetectionIsOffUnlessTheCommandLineAsksForIt() {
        Properties none = new Properties();
        GatewayApplication.serverDefaults(none);
        assertThat(none.getProperty(GatewayApplication.LEAK_DETECTION)).isEqualTo("disabled");

        Properties asked = new Properties();
        asked.setProperty(GatewayApplication.LEAK_DETECTION, "paranoid");
        GatewayApplication.serverDefaults(asked);
        assertThat(asked.getProperty(GatewayApplication.LEAK_DETECTION)).isEqualTo("paranoid");
    }
}
