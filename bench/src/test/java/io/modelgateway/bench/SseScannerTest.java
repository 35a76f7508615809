package io.modelgateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SseScannerTest {

    private static final String ROLE =
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n";
    private static final String DELTA = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"user:\"}}]}\n\n";
    private static final String DONE = "data: [DONE]\n\n";

    @Test
    void firstContentIsTheFirstNonEmptyContentEvenAcrossChunkBoundaries() {
        SseScanner s = new SseScanner();
        String all = ROLE + DELTA + DONE;
        int cut = ROLE.length() + 20; // inside the delta event
        assertThat(s.feed(all.substring(0, cut))).isFalse();
        assertThat(s.contentSeen()).isFalse();
        assertThat(s.feed(all.substring(cut))).isTrue();
        assertThat(s.contentSeen()).isTrue();
        assertThat(s.done()).isTrue();
        assertThat(s.events()).isEqualTo(3);
    }

    @Test
    void reportsTheFirstContentOnlyOnce() {
        SseScanner s = new SseScanner();
        assertThat(s.feed(Unpooled.copiedBuffer(DELTA, StandardCharsets.UTF_8))).isTrue();
        assertThat(s.feed(Unpooled.copiedBuffer(DELTA, StandardCharsets.UTF_8))).isFalse();
        assertThat(s.done()).isFalse();
    }

    @Test
    void emptyNullAndEscapedContentDoNotCount() {
        assertThat(SseScanner.hasNonEmptyContent("{\"delta\":{\"content\":\"\"}}"))
                .isFalse();
        assertThat(SseScanner.hasNonEmptyContent("{\"delta\":{\"content\":null}}"))
                .isFalse();
        assertThat(SseScanner.hasNonEmptyContent("{\"x\":\"say \\\"content\\\":\\\"hi\\\"\"}"))
                .isFalse();
        assertThat(SseScanner.hasNonEmptyContent("{\"delta\": {\"content\" : \"a\"}}"))
                .isTrue();
        assertThat(SseScanner.hasNonEmptyContent("{\"delta\":{\"content\":\"\",\"x\":{\"content\":\"b\"}}}"))
                .isTrue();
    }

    @Test
    void errorEventsAndCrlfAreRecognised() {
        SseScanner s = new SseScanner();
        s.feed("data: {\"error\":{\"message\":\"boom\"}}\r\n\r\n");
        assertThat(s.errorSeen()).isTrue();
        s.feed("data: [DONE]\r\n");
        assertThat(s.done()).isTrue();
    }
}
