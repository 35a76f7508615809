package io.modelgateway.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.gateway.GatewayTestBase;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * One keep-alive connection alternating a request answered on the event loop with requests answered from
 * other threads (the gRPC transport for a chat, the JDBC scheduler for the admin API): every response
 * arrives. Without {@link EventLoopResponses}, Reactor Netty 1.3.6 stalls such a connection within a few
 * dozen rounds (the next request is queued as pipelined and its body never delivered).
 */
class KeepAliveTest extends GatewayTestBase {

    private static final int ROUNDS = 300;

    @Test
    void aKeepAliveConnectionNeverStallsWhateverThreadAnsweredTheLastRequest() throws IOException {
        String chat =
                "{\"model\":\"echo\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";
        String stream =
                "{\"model\":\"echo\",\"stream\":true,\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            for (int i = 0; i < ROUNDS; i++) {
                assertThat(exchange(out, in, get("/v1/models", KEY)))
                        .as("round %d models", i)
                        .startsWith("HTTP/1.1 200");
                assertThat(exchange(out, in, post("/v1/chat/completions", KEY, chat)))
                        .as("round %d chat", i)
                        .startsWith("HTTP/1.1 200");
                assertThat(exchange(out, in, get("/livez", null)))
                        .as("round %d health", i)
                        .startsWith("HTTP/1.1 200");
                assertThat(exchange(out, in, get("/admin/v1/tenants", ADMIN_KEY)))
                        .as("round %d admin", i)
                        .startsWith("HTTP/1.1 200");
                if (i % 10 == 0) {
                    assertThat(exchange(out, in, post("/v1/chat/completions", KEY, stream)))
                            .as("round %d stream", i)
                            .startsWith("HTTP/1.1 200")
                            .contains("data: [DONE]");
                    // HEAD is answered as GET without a body, from the JDBC scheduler too.
                    assertThat(exchange(
                                    out,
                                    in,
                                    "HEAD" + get("/admin/v1/tenants", ADMIN_KEY).substring(3)))
                            .as("round %d head", i)
                            .startsWith("HTTP/1.1 200");
                }
            }
        }
    }

    private static String get(String path, String key) {
        return "GET " + path + " HTTP/1.1\r\nHost: gateway\r\n"
                + (key == null ? "" : "Authorization: Bearer " + key + "\r\n") + "\r\n";
    }

    private static String post(String path, String key, String json) {
        return "POST " + path + " HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + json.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n" + json;
    }

    /** Sends one request and reads its whole response (Content-Length or chunked); a stall fails on the timeout. */
    private static String exchange(OutputStream out, InputStream in, String request) throws IOException {
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
        String head = readLine(in);
        boolean noBody = request.startsWith("HEAD ");
        int length = -1;
        boolean chunked = false;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        StringBuilder body = new StringBuilder();
        if (noBody) {
            return head;
        }
        if (chunked) {
            for (int size = Integer.parseInt(readLine(in).trim(), 16);
                    size > 0;
                    size = Integer.parseInt(readLine(in).trim(), 16)) {
                body.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                readLine(in);
            }
            readLine(in);
        } else if (length > 0) {
            body.append(new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }
        return head + "\n" + body;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c == -1) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                line.write(c);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }
}
