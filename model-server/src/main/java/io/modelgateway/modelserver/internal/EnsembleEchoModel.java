package io.modelgateway.modelserver.internal;

import static io.modelgateway.inference.TensorNames.EXCLUDE_INPUT_IN_OUTPUT;
import static io.modelgateway.inference.TensorNames.NUM_INPUT_TOKENS;
import static io.modelgateway.inference.TensorNames.NUM_OUTPUT_TOKENS;
import static io.modelgateway.inference.TensorNames.RETURN_NUM_INPUT_TOKENS;
import static io.modelgateway.inference.TensorNames.RETURN_NUM_OUTPUT_TOKENS;
import static io.modelgateway.inference.TensorNames.STREAM;
import static io.modelgateway.inference.TensorNames.TEXT_INPUT;
import static io.modelgateway.inference.TensorNames.TEXT_OUTPUT;

import inference.ModelConfig;
import inference.ModelInferRequest;
import inference.ModelMetadataResponse;
import io.modelgateway.modelserver.EchoSettings;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * {@code echo-ensemble}: the echo generator behind the tensors of a TensorRT-LLM {@code ensemble} (platform
 * "ensemble", max_batch_size 8 so every tensor has a leading batch dimension, decoupled). Same text as
 * {@code echo}; {@code stop_words} end it early. Sampling inputs are checked for type and shape and otherwise
 * ignored. Serves one sequence per request (batch size 1).
 */
public final class EnsembleEchoModel implements Model {

    public static final String NAME = "echo-ensemble";
    public static final int MAX_BATCH_SIZE = 8;
    static final String STOP_WORDS = "stop_words";

    static final List<TensorSpec> INPUTS = List.of(
            TensorSpec.required(TEXT_INPUT, "BYTES", 1),
            TensorSpec.required("max_tokens", "INT32", 1),
            TensorSpec.optional(STREAM, "BOOL", 1),
            TensorSpec.optional(STOP_WORDS, "BYTES", -1),
            TensorSpec.optional("temperature", "FP32", 1),
            TensorSpec.optional("top_p", "FP32", 1),
            TensorSpec.optional("seed", "UINT64", 1),
            TensorSpec.optional(EXCLUDE_INPUT_IN_OUTPUT, "BOOL", 1),
            TensorSpec.optional(RETURN_NUM_INPUT_TOKENS, "BOOL", 1),
            TensorSpec.optional(RETURN_NUM_OUTPUT_TOKENS, "BOOL", 1));

    static final List<TensorSpec> OUTPUTS = List.of(
            TensorSpec.required(TEXT_OUTPUT, "BYTES", -1),
            TensorSpec.required(NUM_INPUT_TOKENS, "INT32", 1),
            TensorSpec.required(NUM_OUTPUT_TOKENS, "INT32", 1));

    private final String name;
    private final InputDecoder decoder;
    private final ModelConfig config;
    private final ModelMetadataResponse metadata;
    private final Supplier<EchoSettings> settings;
    private final ScheduledExecutorService timer;

    /** {@code settings}: the speed of the {@code echo} model, shared. */
    public EnsembleEchoModel(Supplier<EchoSettings> settings, ScheduledExecutorService timer) {
        this(NAME, settings, timer);
    }

    /** The same model under another name (a test can replace {@code echo} by it: a layout change). */
    public EnsembleEchoModel(String name, Supplier<EchoSettings> settings, ScheduledExecutorService timer) {
        this.name = name;
        ModelDescriptors descriptors =
                new ModelDescriptors(name, "ensemble", "", MAX_BATCH_SIZE, true, INPUTS, OUTPUTS);
        this.decoder = new InputDecoder(name, INPUTS, MAX_BATCH_SIZE);
        this.config = descriptors.config();
        this.metadata = descriptors.metadata();
        this.settings = settings;
        this.timer = timer;
    }

    @Override
    public String name() {
        return name;
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
        if (inputs.get(TEXT_INPUT).shape()[0] != 1) {
            throw InferException.invalid("model '" + name + "' serves one sequence per request, got batch size "
                    + inputs.get(TEXT_INPUT).shape()[0]);
        }
        Set<String> outputs = RequestedOutputs.of(request, name, OUTPUTS);
        outputs.removeIf(name -> !switchedOn(name, inputs));
        EchoRequest echo = EchoRequest.ofEnsemble(request, inputs, outputs, settings.get());
        List<String> stop =
                inputs.containsKey(STOP_WORDS) ? inputs.get(STOP_WORDS).strings() : List.of();
        EchoPlan plan = EchoPlan.of(echo.prompt(), echo.maxTokens(), stop);
        return sink -> new EchoRun(echo, plan, sink, timer, EchoFormat.ENSEMBLE).start();
    }

    private static boolean switchedOn(String output, Map<String, Tensor> inputs) {
        String flag = switch (output) {
            case NUM_INPUT_TOKENS -> RETURN_NUM_INPUT_TOKENS;
            case NUM_OUTPUT_TOKENS -> RETURN_NUM_OUTPUT_TOKENS;
            default -> null;
        };
        return flag == null || (inputs.containsKey(flag) && inputs.get(flag).bool());
    }
}
