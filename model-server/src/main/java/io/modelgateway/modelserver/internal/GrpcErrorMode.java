package io.modelgateway.modelserver.internal;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Triton's {@code triton_grpc_error: true} header (server 24.08+): the first error in a ModelStreamInfer
 * call ends the call with the real gRPC status instead of an error message in the stream.
 */
public final class GrpcErrorMode implements ServerInterceptor {

    private static final Metadata.Key<String> HEADER =
            Metadata.Key.of("triton_grpc_error", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Boolean> ENABLED = Context.keyWithDefault("triton_grpc_error", false);

    static boolean enabled() {
        return ENABLED.get();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (!"true".equalsIgnoreCase(headers.get(HEADER))) {
            return next.startCall(call, headers);
        }
        return Contexts.interceptCall(Context.current().withValue(ENABLED, true), call, headers, next);
    }
}
