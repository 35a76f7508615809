package io.modelgateway.gateway.edge;

import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The scheduler for a request's timeouts (a whole answer's deadline, a stream's first-token and idle timeouts): the
 * event loop of the request's connection, where the backend's answer is read too. A timer set and cancelled on its
 * own loop goes into that loop's task queue: no lock and no other thread woken. Reactor's default for
 * {@code timeout} and {@code delay}, the parallel scheduler, takes the lock of a shared
 * {@code ScheduledThreadPoolExecutor} for every timer set and every timer cancelled, and wakes its thread when a
 * timer becomes the earliest: once per call, and on a stream once per token. Off Reactor Netty (mock requests) the
 * parallel scheduler is used. The schedulers are kept per loop in this component (a closed context keeps none)
 * and never disposed: disposing one would shut its loop down.
 */
@Component
public class RequestTimers {

    private final Map<EventLoop, Scheduler> timers = new ConcurrentHashMap<>();

    public Scheduler of(ServerWebExchange exchange) {
        EventLoop loop = RequestLoops.eventLoop(exchange);
        if (loop == null) {
            return Schedulers.parallel();
        }
        Scheduler known = timers.get(loop);
        return known != null
                ? known
                : timers.computeIfAbsent(loop, l -> Schedulers.fromExecutorService(l, "request-timers"));
    }
}
