package io.modelgateway.modelserver;

import inference.GRPCInferenceServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.util.concurrent.TimeUnit;

/** A real grpc-java client over loopback. */
final class TestClient implements AutoCloseable {

    final ManagedChannel channel;
    final GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub blocking;
    final GRPCInferenceServiceGrpc.GRPCInferenceServiceStub async;

    TestClient(ModelServer server) {
        channel = NettyChannelBuilder.forTarget(server.target())
                .usePlaintext()
                .maxInboundMessageSize(64 * 1024 * 1024)
                .build();
        blocking = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        async = GRPCInferenceServiceGrpc.newStub(channel);
    }

    TestStream openStream() {
        TestStream stream = new TestStream();
        async.modelStreamInfer(stream);
        return stream;
    }

    /** A stream opened with Triton's {@code triton_grpc_error: true} header. */
    TestStream openStreamWithGrpcErrors() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("triton_grpc_error", Metadata.ASCII_STRING_MARSHALLER), "true");
        TestStream stream = new TestStream();
        async.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .modelStreamInfer(stream);
        return stream;
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
