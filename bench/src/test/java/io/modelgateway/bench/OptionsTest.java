package io.modelgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void defaultsMatchTheDocumentedMethod() {
        Options o = Options.defaults();
        assertThat(o.rate()).isEqualTo(1000);
        assertThat(o.seconds()).isEqualTo(20);
        assertThat(o.streamRate()).isEqualTo(200);
        assertThat(o.streamSeconds()).isEqualTo(20);
        assertThat(o.concurrency()).isEqualTo(64);
        assertThat(o.maxTokens()).isEqualTo(16);
        assertThat(o.skipGateway()).isFalse();
    }

    @Test
    void bothSpellingsAndRepeatedGatewayArgs() {
        Options o = Options.parse(new String[] {
            "--rate", "500", "--seconds=5", "--skip-gateway", "--gateway-arg=--a=b", "--gateway-arg", "--c=d"
        });
        assertThat(o.rate()).isEqualTo(500);
        assertThat(o.seconds()).isEqualTo(5);
        assertThat(o.streamSeconds()).isEqualTo(5);
        assertThat(o.skipGateway()).isTrue();
        assertThat(o.gatewayArgs()).containsExactly("--a=b", "--c=d");
    }

    @Test
    void profileJavaOptsAndBigBodies() {
        assertThat(Options.defaults().profileDir()).isNull();
        assertThat(Options.defaults().bigBodies()).isEqualTo(24);
        Options o = Options.parse(new String[] {
            "--profile",
            "bench/results/x",
            "--gateway-java-opts",
            "-Xss512k -XX:MaxDirectMemorySize=256m",
            "--big-bodies",
            "0"
        });
        assertThat(o.profileDir()).hasToString("bench/results/x");
        assertThat(o.gatewayJavaOpts()).isEqualTo("-Xss512k -XX:MaxDirectMemorySize=256m");
        assertThat(o.bigBodies()).isZero();
    }

    @Test
    void trafficStaysOnLoopback() {
        assertThat(Options.parse(new String[] {"--gateway-url", "http://127.0.0.1:8080/"})
                        .gatewayUrl())
                .isEqualTo("http://127.0.0.1:8080");
        assertThatThrownBy(() -> Options.parse(new String[] {"--gateway-url", "http://example.com:8080"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Options.parse(new String[] {"--backend", "10.0.0.1:8001"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Options.parse(new String[] {"--rate", "0"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headerPrintsTheOptionsAndTheSharedMachine() {
        var bytes = new java.io.ByteArrayOutputStream();
        Options o = Options.parse(new String[] {"--rate", "750", "--warmup-max-seconds", "30"});
        new LatencyBench(o, new java.io.PrintStream(bytes, true)).printHeader("user: hi\nassistant:");
        String header = bytes.toString();
        assertThat(header)
                .contains(
                        "rate 750 req/s x 20 s",
                        "warm-up 10-30 s / 20000 requests",
                        "concurrency 64 x 15 s",
                        "SHARED by the load generator",
                        "## Method");
    }

    @Test
    void jsonHelpers() {
        assertThat(LatencyBench.json("a\"b\\c\nd")).isEqualTo("\"a\\\"b\\\\c\\nd\"");
        assertThat(LatencyBench.contentOf("{\"message\":{\"role\":\"assistant\",\"content\":\"x \\\"y\\\"\\n\"}}"))
                .isEqualTo("x \"y\"\n");
    }
}
