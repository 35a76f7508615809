package io.modelgateway.gateway.edge;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How long the HTTP server waits for a client that sends slowly ({@code gateway.http.*}). A connection
 * whose request head or body is not complete in time is closed, so a few hundred slow clients cannot hold
 * the server's connections. (Idle keep-alive connections are closed after {@code server.netty.idle-timeout}.)
 *
 * @param headerTimeout from the first byte of a request to the end of its head (request line and headers);
 *        when it passes the client gets a 408 and the connection is closed
 * @param bodyReadTimeout longest pause between two reads of a request body
 * @param bodyTimeout longest time to receive a whole request body
 */
@Validated
@ConfigurationProperties("gateway.http")
public record HttpLimitsProperties(
        @DefaultValue("10s") @NotNull @DurationMin(millis = 100) @DurationMax(minutes = 10)
        Duration headerTimeout,

        @DefaultValue("10s") @NotNull @DurationMin(millis = 100) @DurationMax(minutes = 10)
        Duration bodyReadTimeout,

        @DefaultValue("60s") @NotNull @DurationMin(millis = 100) @DurationMax(minutes = 30)
        Duration bodyTimeout) {}
