package io.modelgateway.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A request's loop as an executor: work from another thread (the usage spool's) is queued on the loop, work already
 * on the loop (a backend answer read there) runs at once, in the caller's stack, with no trip through the queue.
 */
class RequestLoopsTest {

    @Test
    void runsAtOnceOnTheLoopAndQueuesFromAnyOtherThread() throws Exception {
        EventLoop loop = new DefaultEventLoop();
        try {
            Executor executor = RequestLoops.of(loop);
            assertThat(RequestLoops.of(loop)).as("equal executors for one loop").isEqualTo(executor);
            assertThat(RequestLoops.of(loop)).hasSameHashCodeAs(executor);

            CompletableFuture<String> fromOutside = new CompletableFuture<>();
            executor.execute(() -> fromOutside.complete(Thread.currentThread().getName()));
            String loopThread =
                    loop.submit(() -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
            assertThat(fromOutside.get(10, TimeUnit.SECONDS)).isEqualTo(loopThread);

            boolean ranInline = loop.submit(() -> {
                        boolean[] ran = new boolean[1];
                        executor.execute(() -> ran[0] = true);
                        return ran[0]; // true only when the task ran before execute returned
                    })
                    .get(10, TimeUnit.SECONDS);
            assertThat(ranInline).isTrue();
        } finally {
            loop.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        }
    }
}
