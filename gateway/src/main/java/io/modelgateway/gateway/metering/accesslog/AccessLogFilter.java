package io.modelgateway.gateway.metering.accesslog;

import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.edge.OnEnd;
import io.modelgateway.gateway.edge.RequestIdFilter;
import io.modelgateway.gateway.edge.error.OpenAiErrors;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.CallResult;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Writes one line per request when its response has ended (or the client went away), for every request:
 * 401s and 404s included. API calls add what the call pipeline learnt: this filter is also the pipeline's
 * ended (see {@link AccessLogStage}, the pipeline's first stage, which also hears refused calls).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1) // right after the request id is set
@ConditionalOnProperty(name = "gateway.access-log.enabled", matchIfMissing = true)
public class AccessLogFilter implements WebFilter {

    public static final String LOGGER = "io.modelgateway.access";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    private final AccessLogStage calls;

    public AccessLogFilter(AccessLogStage calls) {
        this.calls = calls;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!log.isInfoEnabled()) {
            return chain.filter(exchange);
        }
        long start = System.nanoTime();
        String id = RequestIdFilter.of(exchange);
        calls.begin(id);
        return OnEnd.watch(chain.filter(exchange), (signal, error) -> write(exchange, id, start, signal, error));
    }

    private void write(ServerWebExchange exchange, String id, long start, SignalType signal, Throwable error) {
        AccessLogStage.Ended ended = calls.end(id);
        try {
            log(exchange, id, start, signal, error, ended);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(AccessLogFilter.class).warn("access log failed for {}: {}", id, e.toString());
        }
    }

    private static void log(
            ServerWebExchange exchange,
            String id,
            long start,
            SignalType signal,
            Throwable error,
            AccessLogStage.Ended ended) {
        AccessLine line = new AccessLine(log.atInfo());
        line.add("request_id", id)
                .add("method", exchange.getRequest().getMethod().name())
                .add("path", exchange.getRequest().getPath().value())
                .add("status", status(exchange, signal, error))
                .add("duration_ms", millis(System.nanoTime() - start));
        Caller caller = Caller.of(exchange);
        if (caller != null) {
            line.add("tenant", caller.tenant()).add("credential", caller.credential());
        }
        if (ended != null) {
            call(line, ended.call(), ended.result());
        }
        line.log();
    }

    private static void call(AccessLine line, Call call, CallResult result) {
        line.add("deployment", call.deployment().name())
                .add("operation", call.operation().otelName())
                .add("stream", call.stream())
                .add("outcome", result.outcome().value())
                .add("prompt_tokens", result.usage().promptTokens())
                .add("completion_tokens", result.usage().completionTokens())
                .add("tokens_estimated", result.usage().estimated());
        if (call.firstTokenAt() != null) {
            line.add(
                    "ttft_ms",
                    millis(Duration.between(call.startedAt(), call.firstTokenAt())
                            .toNanos()));
        }
        if (result.errorCode() != null) {
            line.add("error_code", result.errorCode());
        }
    }

    private static int status(ServerWebExchange exchange, SignalType signal, Throwable error) {
        if (error != null) {
            return OpenAiErrors.classify(error).status().value(); // what the error handler will answer
        }
        if (signal == SignalType.CANCEL) {
            return 499; // the client went away
        }
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        return status == null ? 200 : status.value();
    }

    private static double millis(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }

    /** Fields as logfmt in the message (readable on a console) and as key-value pairs (JSON keys). */
    private static final class AccessLine {

        private LoggingEventBuilder event;
        private final StringBuilder message = new StringBuilder(160).append("access");

        AccessLine(LoggingEventBuilder event) {
            this.event = event;
        }

        AccessLine add(String key, Object value) {
            if (value != null) {
                event = event.addKeyValue(key, value);
                message.append(' ').append(key).append('=').append(value);
            }
            return this;
        }

        void log() {
            event.log(message.toString());
        }
    }
}
