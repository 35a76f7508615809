package io.modelgateway.gateway.forwarding.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.config.GatewayProperties.Kind;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.deployment.HttpUpstream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** A delta chunk built from its pre-encoded parts is byte for byte what the JSON generator writes. */
class GenerationWriterTest {

    private static final Deployment ECHO = new Deployment(
            "echo",
            Kind.CHAT,
            "echo",
            null,
            null,
            null,
            256,
            4096,
            Duration.ofSeconds(60),
            Duration.ofSeconds(60),
            Duration.ofMinutes(10),
            new HttpUpstream(
                    "unused", URI.create("http://127.0.0.1:1/v1"), null, Duration.ofSeconds(1), Duration.ofSeconds(1)),
            null);

    private static GenerationWriter writer(boolean chat, boolean includeUsage) {
        Generation gen = new Generation(
                chat, ECHO, "p", List.of(), 16, "max_tokens", 1, true, includeUsage, Map.of(), Map.of(), Set.of());
        return new GenerationWriter(gen, "req-1", 1_700_000_000L);
    }

    @Property(tries = 400)
    void deltaChunksAreWhatTheGeneratorWrites(@ForAll String text, @ForAll boolean chat, @ForAll boolean includeUsage) {
        GenerationWriter w = writer(chat, includeUsage);
        w.deltaChunk("warm"); // the parts are encoded once, on the first delta
        assertThat(new String(w.deltaChunk(text), StandardCharsets.UTF_8))
                .isEqualTo(new String(w.writtenDeltaChunk(text), StandardCharsets.UTF_8));
        assertThat(w.deltaChunk(text)).isEqualTo(w.writtenDeltaChunk(text));
    }

    @Example
    void escapesAndNonAsciiGoThroughTheGenerator() {
        GenerationWriter w = writer(true, false);
        for (String text : List.of(
                "",
                "plain words",
                "a/b",
                "quote \" and \\ back",
                "tab\tnew\nline",
                "\u0001",
                "é ü 漢字",
                "😀",
                "\u2028")) {
            assertThat(w.deltaChunk(text)).as(text).isEqualTo(w.writtenDeltaChunk(text));
        }
        assertThat(new String(w.deltaChunk("hi"), StandardCharsets.UTF_8))
                .isEqualTo(
                        "data: {\"id\":\"chatcmpl-req-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                                + "\"model\":\"echo\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"},\"logprobs\":null,"
                                + "\"finish_reason\":null}]}\n\n");
    }
}
