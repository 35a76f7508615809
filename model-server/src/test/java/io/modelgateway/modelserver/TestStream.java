package io.modelgateway.modelserver;

import static org.assertj.core.api.Assertions.assertThat;

import inference.ModelInferRequest;
import inference.ModelStreamInferResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The client side of one ModelStreamInfer call, recording every response. */
final class TestStream implements ClientResponseObserver<ModelInferRequest, ModelStreamInferResponse> {

    static final Duration TIMEOUT = Duration.ofSeconds(10);

    final BlockingQueue<ModelStreamInferResponse> responses = new LinkedBlockingQueue<>();
    final AtomicInteger received = new AtomicInteger();
    /** Completes with OK when the server completes the call, with the status of an error otherwise. */
    final CompletableFuture<Status> closed = new CompletableFuture<>();

    private ClientCallStreamObserver<ModelInferRequest> requests;

    @Override
    public void beforeStart(ClientCallStreamObserver<ModelInferRequest> requestStream) {
        this.requests = requestStream;
    }

    @Override
    public void onNext(ModelStreamInferResponse value) {
        received.incrementAndGet();
        responses.add(value);
    }

    @Override
    public void onError(Throwable t) {
        closed.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        closed.complete(Status.OK);
    }

    TestStream send(ModelInferRequest request) {
        requests.onNext(request);
        return this;
    }

    void halfClose() {
        requests.onCompleted();
    }

    void cancel() {
        requests.cancel("client cancelled", null);
    }

    ModelStreamInferResponse next() throws InterruptedException {
        ModelStreamInferResponse r = responses.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(r).as("a response within %s", TIMEOUT).isNotNull();
        return r;
    }

    /** Responses until the final one (or an error without final flag, which is terminal too). */
    List<ModelStreamInferResponse> untilFinal() throws InterruptedException {
        List<ModelStreamInferResponse> out = new ArrayList<>();
        while (true) {
            ModelStreamInferResponse r = next();
            out.add(r);
            if (Protocol.isFinal(r) || (!r.getErrorMessage().isEmpty() && !Protocol.hasFinalFlag(r))) {
                return out;
            }
        }
    }

    Status awaitClosed() throws Exception {
        return closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
