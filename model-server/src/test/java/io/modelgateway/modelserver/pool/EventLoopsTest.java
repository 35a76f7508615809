package io.modelgateway.modelserver.pool;

import static io.modelgateway.modelserver.pool.Fleet.request;
import static io.modelgateway.modelserver.pool.Fleet.words;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelgateway.inference.BackendPool;
import io.modelgateway.inference.EventLoops;
import io.modelgateway.inference.GenerationListener;
import io.modelgateway.inference.InferenceException;
import io.modelgateway.inference.Layout;
import io.modelgateway.inference.TokenUsage;
import io.modelgateway.modelserver.EchoSettings;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pool given event loops (as the gateway gives it its HTTP server's) answers a call on the loop it was started
 * on: the gRPC channel bound to that loop sends it and reads its answer, so every listener callback runs on the
 * caller's own thread, over real loopback gRPC to model servers.
 */
class EventLoopsTest {

    private EventLoopGroup group;
    private List<EventLoop> loops;

    @BeforeEach
    void loops() {
        group = new MultiThreadIoEventLoopGroup(3, NioIoHandler.newFactory());
        loops = new ArrayList<>();
        for (EventExecutor e : group) {
            loops.add((EventLoop) e);
        }
    }

    @AfterEach
    void shutDown() throws InterruptedException {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }

    @Test
    void aCallStartedOnALoopIsReadAndAnsweredOnThatLoop() throws Exception {
        try (Fleet fleet = Fleet.of(2, EchoSettings.fast());
                BackendPool pool = BackendPool.builder(fleet.config()
                                .layout(Layout.VLLM)
                                .models(List.of("echo"))
                                .build())
                        .eventLoops(EventLoops.of(group, NioSocketChannel.class))
                        .build()) {
            assertThat(pool.modelReady("echo").get(10, TimeUnit.SECONDS)).isTrue();
            for (int round = 0; round < 4; round++) {
                for (EventLoop loop : loops) {
                    boolean stream = round % 2 == 0;
                    CompletableFuture<Thread> caller = new CompletableFuture<>();
                    Threads outcome = new Threads();
                    loop.execute(() -> {
                        caller.complete(Thread.currentThread());
                        pool.generate(request("echo", words(6), 16, stream), Fleet.TOKENS, outcome);
                    });
                    assertThat(outcome.end.get(10, TimeUnit.SECONDS))
                            .as("error")
                            .isNull();
                    Thread own = caller.get(10, TimeUnit.SECONDS);
                    assertThat(outcome.text()).isEqualTo(words(6));
                    assertThat(outcome.threads)
                            .as("threads of the callbacks of a call started on %s", own.getName())
                            .containsExactly(own.getName());
                }
            }
        }
    }

    @Test
    void aCallFromAnotherThreadIsAnsweredOnOneOfTheLoops() throws Exception {
        try (Fleet fleet = Fleet.of(1, EchoSettings.fast());
                BackendPool pool = BackendPool.builder(
                                fleet.config().layout(Layout.VLLM).build())
                        .eventLoops(EventLoops.of(group, NioSocketChannel.class))
                        .build()) {
            Set<String> loopThreads = ConcurrentHashMap.newKeySet();
            for (EventLoop loop : loops) {
                loop.submit(() -> loopThreads.add(Thread.currentThread().getName()))
                        .get(10, TimeUnit.SECONDS);
            }
            Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < 6; i++) {
                Threads outcome = new Threads();
                pool.generate(request("echo", words(3), 16, true), Fleet.TOKENS, outcome);
                assertThat(outcome.end.get(10, TimeUnit.SECONDS)).as("error").isNull();
                assertThat(outcome.threads).hasSize(1);
                seen.addAll(outcome.threads);
            }
            assertThat(loopThreads).containsAll(seen);
            assertThat(seen)
                    .as("calls from a non-loop thread take the loops in turn")
                    .hasSizeGreaterThan(1);
        }
    }

    /** Records the threads every callback ran on; completes with the error, or null. */
    private static final class Threads implements GenerationListener {

        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final List<String> deltas = new java.util.concurrent.CopyOnWriteArrayList<>();
        final CompletableFuture<InferenceException> end = new CompletableFuture<>();

        @Override
        public void onPromptTokens(int promptTokens) {
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void onDelta(String text, int outputTokens) {
            threads.add(Thread.currentThread().getName());
            deltas.add(text);
        }

        @Override
        public void onComplete(String finishReason, TokenUsage usage) {
            threads.add(Thread.currentThread().getName());
            end.complete(null);
        }

        @Override
        public void onError(InferenceException error, TokenUsage usageSoFar) {
            threads.add(Thread.currentThread().getName());
            end.complete(error);
        }

        String text() {
            return deltas.stream().collect(Collectors.joining()).trim();
        }
    }
}
