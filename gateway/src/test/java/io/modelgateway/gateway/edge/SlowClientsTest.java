package io.modelgateway.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.modelgateway.gateway.GatewayTestBase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;

/**
 * Slow clients cannot hold connections: a body that stops arriving, a request head that never ends, and a
 * head dribbled one byte at a time are all cut off within the configured timeouts (the tests' are a few
 * seconds), the head with a 408 in OpenAI's shape.
 */
class SlowClientsTest extends GatewayTestBase {

    /** Scheduling and a loaded machine: the bound on top of the timeout. */
    private static final Duration SLACK = Duration.ofSeconds(10);

    private final ScheduledExecutorService dribbler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        dribbler.shutdownNow();
    }

    @Test
    void aBodyThatStopsArrivingClosesTheConnection() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            send(
                    socket,
                    "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + KEY
                            + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":");
            String answer = awaitClosed(socket, BODY_READ_TIMEOUT);
            // Closed; if an answer made it out first, it says why, in OpenAI's shape.
            if (!answer.isEmpty()) {
                assertThat(answer).startsWith("HTTP/1.1 408").contains("\"code\":\"request_timeout\"");
            }
        }
    }

    @Test
    void aRequestHeadThatNeverEndsGetsA408AndTheConnectionIsClosed() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            send(socket, "POST /v1/chat/completions HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\n");
            assertThat(awaitClosed(socket, HEADER_TIMEOUT))
                    .startsWith("HTTP/1.1 408")
                    .contains("\"error\":{\"message\":")
                    .contains("\"code\":\"request_timeout\"");
        }
    }

    @Test
    void aHeadDribbledByteByByteIsCutOffAtTheHeaderTimeoutNotKeptAliveByEachByte() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            send(socket, "GET /v1/models HTTP/1.1\r\nHost: gateway\r\n");
            OutputStream out = socket.getOutputStream();
            // One header byte every 200 ms: never idle for long, but the head never ends.
            dribbler.scheduleAtFixedRate(
                    () -> {
                        try {
                            out.write('x');
                            out.flush();
                        } catch (IOException closed) {
                            throw new UncheckedIOException(closed); // the server closed the connection: stop
                        }
                    },
                    0,
                    200,
                    TimeUnit.MILLISECONDS);
            String answer = awaitClosed(socket, HEADER_TIMEOUT);
            // The 408 may be lost to the reset our own next byte provokes; the connection is closed either way.
            if (!answer.isEmpty()) {
                assertThat(answer).startsWith("HTTP/1.1 408");
            }
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsNotCutOffByTheHeaderTimeout() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            String request = "GET /v1/models HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + KEY + "\r\n\r\n";
            send(socket, request);
            InputStream in = socket.getInputStream();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200");
            // Nothing arrives for twice the header timeout, and the connection is not closed either: the clock
            // only runs once a request's first bytes arrive (idle connections have server.netty.idle-timeout).
            socket.setSoTimeout((int) HEADER_TIMEOUT.multipliedBy(2).toMillis());
            assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
            send(socket, request);
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200");
        }
    }

    /** One response delimited by its Content-Length. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int length = -1;
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            head.append(line).append('\n');
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        assertThat(length).as(head.toString()).isNotNegative();
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c == -1) {
                throw new IOException("closed");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    @Test
    void timeoutsOutsideTheirBoundsStopTheStart() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
                .withUserConfiguration(Limits.class)
                .withPropertyValues("gateway.http.header-timeout=0s")
                .run(context -> assertThat(context).hasFailed());
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
                .withUserConfiguration(Limits.class)
                .run(context -> assertThat(
                                context.getBean(HttpLimitsProperties.class).bodyTimeout())
                        .isEqualTo(Duration.ofSeconds(60)));
    }

    @EnableConfigurationProperties(HttpLimitsProperties.class)
    static class Limits {}

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** Reads until the server closes the connection, which must happen within {@code timeout} (plus slack). */
    private static String awaitClosed(Socket socket, Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.plus(SLACK).plus(SLACK).toMillis());
        CompletableFuture<String> all = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException reset) {
                return "";
            }
        });
        await().atMost(timeout.plus(SLACK)).until(all::isDone);
        return all.join();
    }
}
