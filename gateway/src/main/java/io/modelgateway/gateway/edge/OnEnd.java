package io.modelgateway.gateway.edge;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;
import reactor.core.publisher.SignalType;
import reactor.util.context.Context;

/**
 * One operator for a web filter that needs to know how its request ended: the signal and, on an error, the error,
 * once, after the signal went downstream (as {@code doOnError} + {@code doFinally} would, in one layer and without
 * a holder for the error).
 */
public final class OnEnd {

    /** Told once how the request ended. */
    @FunctionalInterface
    public interface Listener {
        /** @param error the error for {@link SignalType#ON_ERROR}, else {@code null} */
        void ended(SignalType signal, Throwable error);
    }

    private OnEnd() {}

    public static Mono<Void> watch(Mono<Void> source, Listener listener) {
        return new Watched(source, listener);
    }

    private static final class Watched extends MonoOperator<Void, Void> {

        private final Listener listener;

        Watched(Mono<Void> source, Listener listener) {
            super(source);
            this.listener = listener;
        }

        @Override
        public void subscribe(CoreSubscriber<? super Void> actual) {
            source.subscribe(new Watcher(actual, listener));
        }
    }

    private static final class Watcher implements CoreSubscriber<Void>, Subscription {

        private static final AtomicIntegerFieldUpdater<Watcher> DONE =
                AtomicIntegerFieldUpdater.newUpdater(Watcher.class, "done");

        private final CoreSubscriber<? super Void> actual;
        private final Listener listener;
        private Subscription upstream;
        private volatile int done;

        Watcher(CoreSubscriber<? super Void> actual, Listener listener) {
            this.actual = actual;
            this.listener = listener;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(this.upstream, s)) {
                this.upstream = s;
                actual.onSubscribe(this);
            }
        }

        @Override
        public void onNext(Void v) {
            actual.onNext(v);
        }

        @Override
        public void onError(Throwable t) {
            actual.onError(t);
            end(SignalType.ON_ERROR, t);
        }

        @Override
        public void onComplete() {
            actual.onComplete();
            end(SignalType.ON_COMPLETE, null);
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            upstream.cancel();
            end(SignalType.CANCEL, null);
        }

        private void end(SignalType signal, Throwable error) {
            if (DONE.compareAndSet(this, 0, 1)) {
                try {
                    listener.ended(signal, error);
                } catch (RuntimeException e) {
                    Operators.onErrorDropped(e, actual.currentContext());
                }
            }
        }
    }
}
