package io.modelgateway.modelserver.internal;

import inference.GRPCInferenceServiceGrpc;
import inference.ModelConfigRequest;
import inference.ModelConfigResponse;
import inference.ModelInferRequest;
import inference.ModelInferResponse;
import inference.ModelMetadataRequest;
import inference.ModelMetadataResponse;
import inference.ModelReadyRequest;
import inference.ModelReadyResponse;
import inference.ModelStreamInferResponse;
import inference.RepositoryIndexRequest;
import inference.RepositoryIndexResponse;
import inference.RepositoryModelLoadRequest;
import inference.RepositoryModelLoadResponse;
import inference.RepositoryModelUnloadRequest;
import inference.RepositoryModelUnloadResponse;
import inference.ServerLiveRequest;
import inference.ServerLiveResponse;
import inference.ServerMetadataRequest;
import inference.ServerMetadataResponse;
import inference.ServerReadyRequest;
import inference.ServerReadyResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Triton's GRPCInferenceService over this server's models. Handlers never block. */
public final class InferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    public static final String SERVER_NAME = "model-server";
    private static final List<String> EXTENSIONS = List.of("model_repository", "model_configuration", "parameters");
    private static final Logger log = LoggerFactory.getLogger(InferenceService.class);

    private final ModelRegistry registry;
    private final Counters counters;
    private final ServerControls controls;
    private final String version;

    public InferenceService(ModelRegistry registry, Counters counters, ServerControls controls) {
        this.registry = registry;
        this.counters = counters;
        this.controls = controls;
        String implVersion = InferenceService.class.getPackage().getImplementationVersion();
        this.version = implVersion == null ? "dev" : implVersion;
    }

    @FunctionalInterface
    private interface Answer<T> {
        T get() throws InferException;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
        reply(out, () -> ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
        reply(
                out,
                () -> ServerReadyResponse.newBuilder()
                        .setReady(controls.ready() && registry.allReady())
                        .build());
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
        reply(out, () -> {
            registry.ready(request.getName(), request.getVersion());
            return ModelReadyResponse.newBuilder().setReady(controls.ready()).build();
        });
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
        reply(
                out,
                () -> ServerMetadataResponse.newBuilder()
                        .setName(SERVER_NAME)
                        .setVersion(version)
                        .addAllExtensions(EXTENSIONS)
                        .build());
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
        reply(out, () -> registry.ready(request.getName(), request.getVersion()).metadata());
    }

    @Override
    public void modelConfig(ModelConfigRequest request, StreamObserver<ModelConfigResponse> out) {
        reply(
                out,
                () -> ModelConfigResponse.newBuilder()
                        .setConfig(registry.ready(request.getName(), request.getVersion())
                                .config())
                        .build());
    }

    @Override
    public void repositoryIndex(RepositoryIndexRequest request, StreamObserver<RepositoryIndexResponse> out) {
        reply(out, () -> {
            if (!request.getRepositoryName().isEmpty()) {
                throw InferException.of(Status.Code.UNIMPLEMENTED, "'repository_name' specification is not supported");
            }
            RepositoryIndexResponse.Builder index = RepositoryIndexResponse.newBuilder();
            for (ModelRegistry.Entry entry : registry.index()) {
                var model = RepositoryIndexResponse.ModelIndex.newBuilder()
                        .setName(entry.model().name());
                if (entry.state().isEmpty()) { // never loaded: name only
                    if (!request.getReady()) {
                        index.addModels(model);
                    }
                    continue;
                }
                ModelState state = entry.state().get();
                if (!request.getReady() || state.isReady()) {
                    index.addModels(model.setVersion(Model.VERSION)
                            .setState(state.state().name())
                            .setReason(state.reason()));
                }
            }
            return index.build();
        });
    }

    /** Answers once the model is READY (Triton's load is synchronous), off the gRPC thread. */
    @Override
    public void repositoryModelLoad(
            RepositoryModelLoadRequest request, StreamObserver<RepositoryModelLoadResponse> out) {
        if (!request.getRepositoryName().isEmpty()) {
            out.onError(InferException.of(Status.Code.UNIMPLEMENTED, "'repository_name' specification is not supported")
                    .toStatus()
                    .asRuntimeException());
            return;
        }
        registry.load(request.getModelName(), controls.loadDelay(), controls.takeLoadFailure())
                .whenComplete((v, e) -> {
                    if (e == null) {
                        out.onNext(RepositoryModelLoadResponse.getDefaultInstance());
                        out.onCompleted();
                    } else {
                        out.onError((e instanceof InferException ie
                                        ? ie
                                        : InferException.of(Status.Code.INTERNAL, e.toString()))
                                .toStatus()
                                .asRuntimeException());
                    }
                });
    }

    @Override
    public void repositoryModelUnload(
            RepositoryModelUnloadRequest request, StreamObserver<RepositoryModelUnloadResponse> out) {
        reply(out, () -> {
            if (!request.getRepositoryName().isEmpty()) {
                throw InferException.of(Status.Code.UNIMPLEMENTED, "'repository_name' specification is not supported");
            }
            registry.unload(request.getModelName());
            return RepositoryModelUnloadResponse.getDefaultInstance();
        });
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
        UnaryCall call = new UnaryCall(out, counters);
        try {
            controls.checkInjectedFailure();
            Model model = registry.ready(request.getModelName(), request.getModelVersion());
            if (model.decoupled()) {
                throw InferException.of(
                        Status.Code.UNIMPLEMENTED,
                        "ModelInfer RPC doesn't support models with decoupled transaction policy");
            }
            RequestParameters.validate(request);
            model.prepare(request).start(call);
            counters.started();
        } catch (InferException e) {
            call.fail(e);
        } catch (RuntimeException e) {
            log.warn("ModelInfer {} for model {} failed", request.getId(), request.getModelName(), e);
            call.fail(InferException.of(Status.Code.INTERNAL, "inference failed: " + e));
        }
    }

    @Override
    public StreamObserver<ModelInferRequest> modelStreamInfer(StreamObserver<ModelStreamInferResponse> out) {
        return new StreamSession(
                (ServerCallStreamObserver<ModelStreamInferResponse>) out,
                registry,
                counters,
                controls,
                GrpcErrorMode.enabled());
    }

    private static <T> void reply(StreamObserver<T> out, Answer<T> answer) {
        T value;
        try {
            value = answer.get();
        } catch (InferException e) {
            out.onError(e.toStatus().asRuntimeException());
            return;
        }
        out.onNext(value);
        out.onCompleted();
    }
}
