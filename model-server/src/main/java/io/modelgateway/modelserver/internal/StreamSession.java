package io.modelgateway.modelserver.internal;

import inference.ModelInferRequest;
import inference.ModelStreamInferResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ModelStreamInfer call. Requests run independently and their responses may interleave. Errors are
 * stream messages (the call stays open) unless the client opened the stream in {@code triton_grpc_error}
 * mode. Cancelling the call cancels every request still running; the call completes once the client has
 * half-closed and every request has ended.
 */
final class StreamSession implements StreamObserver<ModelInferRequest> {

    private static final Logger log = LoggerFactory.getLogger(StreamSession.class);

    private final ServerCallStreamObserver<ModelStreamInferResponse> out;
    private final ModelRegistry registry;
    private final Counters counters;
    private final ServerControls controls;
    private final boolean grpcErrorMode;
    private final Set<StreamRequest> running = ConcurrentHashMap.newKeySet();
    private boolean halfClosed; // guarded by this
    private boolean closed; // guarded by this

    StreamSession(
            ServerCallStreamObserver<ModelStreamInferResponse> out,
            ModelRegistry registry,
            Counters counters,
            ServerControls controls,
            boolean grpcErrorMode) {
        this.out = out;
        this.registry = registry;
        this.counters = counters;
        this.controls = controls;
        this.grpcErrorMode = grpcErrorMode;
        out.setOnCancelHandler(() -> cancelAll(null));
    }

    @Override
    public void onNext(ModelInferRequest request) {
        Execution execution;
        boolean emptyFinal;
        try {
            controls.checkInjectedFailure();
            Model model = registry.ready(request.getModelName(), request.getModelVersion());
            emptyFinal = RequestParameters.validate(request);
            execution = model.prepare(request);
        } catch (InferException e) {
            failed(request, e);
            return;
        }
        StreamRequest sink = new StreamRequest(this, request, emptyFinal);
        if (register(sink)) {
            start(request, execution, sink);
        }
    }

    @Override
    public void onError(Throwable t) {
        cancelAll(null);
    }

    @Override
    public void onCompleted() {
        synchronized (this) {
            halfClosed = true;
        }
        completeIfDone();
    }

    private void start(ModelInferRequest request, Execution execution, StreamRequest sink) {
        try {
            execution.start(controls.midStreamFailure(sink));
            counters.started();
        } catch (InferException e) {
            if (sink.abandon()) {
                running.remove(sink);
                failed(request, e);
            }
        } catch (RuntimeException e) {
            log.warn("request {} for model {} failed", request.getId(), request.getModelName(), e);
            sink.fail(InferException.fromModel(Status.Code.INTERNAL, "inference failed: " + e));
        }
    }

    private synchronized boolean register(StreamRequest sink) {
        if (closed) {
            return false;
        }
        running.add(sink);
        return true;
    }

    synchronized void write(ModelStreamInferResponse response) {
        if (!closed) {
            out.onNext(response);
        }
    }

    /** Reports an error of {@code request}: a stream message, or the end of the call in grpc-error mode. */
    void failed(ModelInferRequest request, InferException error) {
        if (grpcErrorMode) {
            cancelAll(error.toStatus());
        } else if (error.isFromModel()) {
            write(Responses.modelError(request, error.getMessage()));
        } else {
            write(Responses.issueError(request, error.getMessage()));
        }
    }

    void finished(StreamRequest sink) {
        running.remove(sink);
        completeIfDone();
    }

    private void completeIfDone() {
        synchronized (this) {
            if (closed || !halfClosed || !running.isEmpty()) {
                return;
            }
            closed = true;
            out.onCompleted();
        }
    }

    /** Closes the session, ending the call with {@code status} unless it is null (client cancelled). */
    private void cancelAll(Status status) {
        List<StreamRequest> toCancel;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toCancel = List.copyOf(running);
            if (status != null) {
                out.onError(status.asRuntimeException());
            }
        }
        for (StreamRequest sink : toCancel) {
            if (sink.cancel()) {
                counters.cancelled();
            }
        }
    }
}
