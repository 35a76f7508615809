package io.modelgateway.modelserver.internal;

import static io.modelgateway.inference.TensorNames.EXCLUDE_INPUT_IN_OUTPUT;
import static io.modelgateway.inference.TensorNames.FINISH_REASON;
import static io.modelgateway.inference.TensorNames.NUM_INPUT_TOKENS;
import static io.modelgateway.inference.TensorNames.NUM_OUTPUT_TOKENS;
import static io.modelgateway.inference.TensorNames.RETURN_FINISH_REASON;
import static io.modelgateway.inference.TensorNames.RETURN_NUM_INPUT_TOKENS;
import static io.modelgateway.inference.TensorNames.RETURN_NUM_OUTPUT_TOKENS;
import static io.modelgateway.inference.TensorNames.SAMPLING_PARAMETERS;
import static io.modelgateway.inference.TensorNames.STREAM;
import static io.modelgateway.inference.TensorNames.TEXT_INPUT;
import static io.modelgateway.inference.TensorNames.TEXT_OUTPUT;

import inference.ModelConfig;
import inference.ModelInferRequest;
import inference.ModelMetadataResponse;
import io.modelgateway.modelserver.EchoSettings;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/** {@code echo}: a decoupled text generator with the tensors of Triton's vLLM backend. */
public final class EchoModel implements Model {

    public static final String NAME = "echo";

    static final List<TensorSpec> INPUTS = List.of(
            TensorSpec.required(TEXT_INPUT, "BYTES", 1),
            TensorSpec.optional(STREAM, "BOOL", 1),
            TensorSpec.optional(SAMPLING_PARAMETERS, "BYTES", 1),
            TensorSpec.optional(EXCLUDE_INPUT_IN_OUTPUT, "BOOL", 1),
            TensorSpec.optional(RETURN_FINISH_REASON, "BOOL", 1),
            TensorSpec.optional(RETURN_NUM_INPUT_TOKENS, "BOOL", 1),
            TensorSpec.optional(RETURN_NUM_OUTPUT_TOKENS, "BOOL", 1));

    static final List<TensorSpec> OUTPUTS = List.of(
            TensorSpec.required(TEXT_OUTPUT, "BYTES", -1),
            TensorSpec.required(FINISH_REASON, "BYTES", 1),
            TensorSpec.required(NUM_INPUT_TOKENS, "UINT32", 1),
            TensorSpec.required(NUM_OUTPUT_TOKENS, "UINT32", 1));

    private static final ModelDescriptors DESCRIPTORS =
            new ModelDescriptors(NAME, "", "vllm", 0, true, INPUTS, OUTPUTS);

    private final InputDecoder decoder = new InputDecoder(NAME, INPUTS, 0);
    private final ModelConfig config = DESCRIPTORS.config();
    private final ModelMetadataResponse metadata = DESCRIPTORS.metadata();
    private final AtomicReference<EchoSettings> settings;
    private final ScheduledExecutorService timer;

    public EchoModel(EchoSettings settings, ScheduledExecutorService timer) {
        this.settings = new AtomicReference<>(settings);
        this.timer = timer;
    }

    public EchoSettings settings() {
        return settings.get();
    }

    public void settings(EchoSettings value) {
        settings.set(Objects.requireNonNull(value, "settings"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ModelState state() {
        return ModelState.READY;
    }

    @Override
    public ModelConfig config() {
        return config;
    }

    @Override
    public ModelMetadataResponse metadata() {
        return metadata;
    }

    @Override
    public Execution prepare(ModelInferRequest request) throws InferException {
        Map<String, Tensor> inputs = decoder.decode(request);
        Set<String> outputs = RequestedOutputs.of(request, NAME, OUTPUTS);
        outputs.removeIf(name -> !switchedOn(name, inputs));
        EchoRequest echo = EchoRequest.of(request, inputs, outputs, settings.get());
        EchoPlan plan = EchoPlan.of(echo.prompt(), echo.maxTokens());
        return sink -> new EchoRun(echo, plan, sink, timer, EchoFormat.VLLM).start();
    }

    private static boolean switchedOn(String output, Map<String, Tensor> inputs) {
        String flag = switch (output) {
            case FINISH_REASON -> RETURN_FINISH_REASON;
            case NUM_INPUT_TOKENS -> RETURN_NUM_INPUT_TOKENS;
            case NUM_OUTPUT_TOKENS -> RETURN_NUM_OUTPUT_TOKENS;
            default -> null;
        };
        return flag == null || (inputs.containsKey(flag) && inputs.get(flag).bool());
    }
}
