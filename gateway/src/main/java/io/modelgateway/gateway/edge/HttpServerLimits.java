package io.modelgateway.gateway.edge;

import io.modelgateway.gateway.edge.error.OpenAiErrors;
import io.modelgateway.gateway.edge.json.Json;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * The HTTP server's own limits, below WebFlux: how long a client may take to send a request's head and its
 * body ({@link HttpLimitsProperties}), and OpenAI-shaped bodies on the refusals Reactor Netty writes itself
 * (400 for a request that is not valid HTTP or a broken chunked body, 414 for a long request line, 431 for
 * large headers), which otherwise leave with an empty body. Sizes stay Spring Boot's
 * ({@code server.max-http-request-header-size}, {@code server.netty.max-initial-line-length}).
 */
@Component
public class HttpServerLimits implements NettyServerCustomizer {

    private static final String RAW_READS = "gateway.rawReads";
    private static final String MESSAGES = "gateway.messages";
    /** How long a refused connection is drained before it is closed (see {@link Guard#close}). */
    static final Duration LINGER = Duration.ofSeconds(2);

    private final HttpLimitsProperties limits;
    private final Clock clock;

    public HttpServerLimits(HttpLimitsProperties limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    @Override
    public HttpServer apply(HttpServer server) {
        return server.readTimeout(limits.bodyReadTimeout())
                .requestTimeout(limits.bodyTimeout())
                .doOnChannelInit((observer, channel, address) -> install(channel));
    }

    private void install(Channel channel) {
        if (channel.pipeline().get(NettyPipeline.HttpCodec) == null) {
            return; // not an HTTP/1.1 pipeline (the gateway serves no other)
        }
        Guard guard = new Guard(limits.headerTimeout(), clock);
        channel.pipeline().addBefore(NettyPipeline.HttpCodec, RAW_READS, guard.rawReads());
        channel.pipeline().addAfter(NettyPipeline.HttpCodec, MESSAGES, guard);
    }

    /**
     * One connection's guard. Bytes that arrive while no request body is being received start the head's
     * clock (an idle keep-alive connection has no clock running); the decoded head stops it. When the clock
     * runs out the connection is closed, after a 408 when no answer is being written on it. On the way out,
     * Reactor Netty's empty refusals get a body.
     */
    static final class Guard extends ChannelDuplexHandler {

        private final Duration headerTimeout;
        private final Clock clock;
        /** A request's head was decoded and its body has not ended yet. */
        private boolean receiving;
        /** Requests decoded whose answers have not ended. */
        private int open;
        /** Reactor Netty refused a request it could not decode: its close becomes a lingering close. */
        private boolean refused;
        /** The refusal is out and our side is shut: what the client still sends is read and dropped. */
        private boolean draining;

        private ScheduledFuture<?> deadline;

        Guard(Duration headerTimeout, Clock clock) {
            this.headerTimeout = headerTimeout;
            this.clock = clock;
        }

        ChannelInboundHandlerAdapter rawReads() {
            return new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (draining) {
                        ReferenceCountUtil.release(msg);
                        return;
                    }
                    if (!receiving && deadline == null) {
                        ChannelHandlerContext messages = ctx.pipeline().context(MESSAGES);
                        if (messages != null) {
                            deadline = ctx.executor()
                                    .schedule(
                                            () -> headTimedOut(messages),
                                            headerTimeout.toMillis(),
                                            TimeUnit.MILLISECONDS);
                        }
                    }
                    ctx.fireChannelRead(msg);
                }
            };
        }

        private void headTimedOut(ChannelHandlerContext ctx) {
            deadline = null;
            if (receiving || !ctx.channel().isActive()) {
                return;
            }
            if (open > 0) {
                ctx.close(); // an answer to an earlier request is being written: no 408 in the middle of it
            } else {
                ctx.writeAndFlush(openAiError(new DefaultFullHttpResponse(
                                HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT, Unpooled.EMPTY_BUFFER)))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                open++;
                receiving = true;
                cancel();
            }
            if (msg instanceof LastHttpContent) { // also a FullHttpRequest
                receiving = false;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            Object out = msg;
            if (msg instanceof FullHttpResponse r && refusedByServer(r)) {
                refused = true;
                out = openAiError(r);
                ReferenceCountUtil.release(msg);
            }
            boolean informational =
                    msg instanceof HttpResponse r && r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            if (msg instanceof LastHttpContent && !informational && open > 0) { // a response ended
                open--;
            }
            ctx.write(out, promise);
        }

        /**
         * After a refusal of a request that was not read to its end, closing at once would reset the connection
         * (the unread bytes make the kernel send RST) and the client could lose the answer: the answer is sent,
         * our side shut, what still arrives dropped, and the connection closed when the client closes it or
         * after {@link #LINGER}.
         */
        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
            if (refused && !draining && ctx.channel() instanceof DuplexChannel channel && channel.isActive()) {
                draining = true;
                cancel();
                channel.config().setAutoRead(true);
                channel.shutdownOutput();
                ctx.executor().schedule(() -> ctx.close(promise), LINGER.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
            ctx.close(promise);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            ctx.fireChannelInactive();
        }

        private void cancel() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }

        /** Reactor Netty's own refusals: a 4xx without a body, and without the id every WebFlux answer has. */
        private static boolean refusedByServer(FullHttpResponse r) {
            return r.status().codeClass() == HttpStatusClass.CLIENT_ERROR
                    && r.content().readableBytes() == 0
                    && !r.headers().contains(RequestIdFilter.HEADER);
        }

        private FullHttpResponse openAiError(FullHttpResponse refused) {
            byte[] body = Json.write(g -> OpenAiErrors.write(
                    g, OpenAiErrors.refusedByServer(refused.status().code())));
            FullHttpResponse r =
                    new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, refused.status(), Unpooled.wrappedBuffer(body));
            r.headers()
                    .set(refused.headers())
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(RequestIdFilter.HEADER, RequestIds.next(clock).toString());
            return r;
        }
    }
}
