package io.modelgateway.gateway;

import java.util.Properties;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The model-access gateway: OpenAI- and Azure-compatible endpoints in front of Triton backends. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

    /** Netty's buffer leak detector: its level, a system property read once when Netty loads. */
    static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    public static void main(String[] args) {
        serverDefaults(System.getProperties());
        SpringApplication.run(GatewayApplication.class, args);
    }

    /**
     * The running server's JVM defaults, unless set on the command line: Netty's leak detector off (at its
     * default level it records a stack trace for a sample of buffers, about 1% of the gateway's CPU under load).
     * Tests do not start through {@link #main} and keep Netty's default detection.
     */
    static void serverDefaults(Properties system) {
        if (system.getProperty(LEAK_DETECTION) == null) {
            system.setProperty(LEAK_DETECTION, "disabled");
        }
    }
}
