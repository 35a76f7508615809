package io.modelgateway.modelserver.internal;

import inference.InferParameter;
import inference.ModelInferRequest;
import io.grpc.Status;
import io.modelgateway.inference.TensorNames;
import io.modelgateway.inference.Tensors;
import io.modelgateway.modelserver.EchoSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** An echo request as the vLLM backend reads it: tensors, sampling parameters, speed overrides. */
record EchoRequest(
        ModelInferRequest request,
        String prompt,
        boolean stream,
        boolean echoPrompt,
        int maxTokens,
        Set<String> outputs,
        EchoSettings speed) {

    static final String TTFT_MS = "echo_ttft_ms";
    static final String TOKENS_PER_SECOND = "echo_tokens_per_second";
    private static final int DEFAULT_MAX_TOKENS = 16;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static EchoRequest of(
            ModelInferRequest request, Map<String, Tensor> inputs, Set<String> outputs, EchoSettings defaults)
            throws InferException {
        boolean stream = flag(inputs, TensorNames.STREAM, false);
        boolean exclude = flag(inputs, TensorNames.EXCLUDE_INPUT_IN_OUTPUT, stream);
        if (stream && !exclude) {
            throw modelError("Streaming with `exclude_input_in_output=False` is not allowed.");
        }
        String prompt = inputs.get(TensorNames.TEXT_INPUT).strings().get(0);
        return new EchoRequest(
                request, prompt, stream, !exclude, maxTokens(request, inputs), outputs, speed(request, defaults));
    }

    /**
     * An echo request as a TensorRT-LLM ensemble reads it: typed {@code max_tokens}, prompt echoed only when not
     * streaming and {@code exclude_input_in_output} is false or absent.
     */
    static EchoRequest ofEnsemble(
            ModelInferRequest request, Map<String, Tensor> inputs, Set<String> outputs, EchoSettings defaults)
            throws InferException {
        boolean stream = flag(inputs, TensorNames.STREAM, false);
        boolean exclude = flag(inputs, TensorNames.EXCLUDE_INPUT_IN_OUTPUT, false);
        String prompt = inputs.get(TensorNames.TEXT_INPUT).strings().get(0);
        int maxTokens = Tensors.decodeInt32(inputs.get("max_tokens").raw())[0];
        if (maxTokens < 1) {
            throw modelError("max_tokens must be at least 1, got " + maxTokens + ".");
        }
        return new EchoRequest(
                request, prompt, stream, !stream && !exclude, maxTokens, outputs, speed(request, defaults));
    }

    /** Whether the response carries {@code output}: switched on by its return_* input and requested. */
    boolean wants(String output) {
        return outputs.contains(output);
    }

    private static boolean flag(Map<String, Tensor> inputs, String name, boolean absent) {
        Tensor t = inputs.get(name);
        return t == null ? absent : t.bool();
    }

    /** max_tokens from sampling_parameters or, when that tensor is absent, from the request parameters. */
    private static int maxTokens(ModelInferRequest request, Map<String, Tensor> inputs) throws InferException {
        Tensor sampling = inputs.get(TensorNames.SAMPLING_PARAMETERS);
        JsonNode value = sampling == null
                ? parameterValue(request.getParametersMap().get("max_tokens"))
                : samplingParameters(sampling.strings().get(0)).get("max_tokens");
        if (value == null || value.isNull()) {
            return DEFAULT_MAX_TOKENS;
        }
        long max = toLong(value);
        if (max < 1 || max > Integer.MAX_VALUE) {
            throw modelError("max_tokens must be at least 1, got " + max + ".");
        }
        return (int) max;
    }

    private static JsonNode samplingParameters(String json) throws InferException {
        try {
            JsonNode node = JSON.readTree(json.isBlank() ? "{}" : json);
            if (!node.isObject()) {
                throw modelError("sampling_parameters must be a JSON object");
            }
            return node;
        } catch (JacksonException e) {
            throw modelError("sampling_parameters is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static JsonNode parameterValue(InferParameter p) {
        if (p == null) {
            return null;
        }
        return switch (p.getParameterChoiceCase()) {
            case INT64_PARAM -> JSON.getNodeFactory().numberNode(p.getInt64Param());
            case STRING_PARAM -> JSON.getNodeFactory().stringNode(p.getStringParam());
            case DOUBLE_PARAM -> JSON.getNodeFactory().numberNode(p.getDoubleParam());
            case BOOL_PARAM -> JSON.getNodeFactory().booleanNode(p.getBoolParam());
            default -> null;
        };
    }

    /** vLLM coerces string values by type, so "100" is a valid max_tokens. */
    private static long toLong(JsonNode value) throws InferException {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isString()) {
            try {
                return Long.parseLong(value.stringValue().strip());
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw modelError("max_tokens must be an integer, got " + value);
    }

    private static EchoSettings speed(ModelInferRequest request, EchoSettings defaults) throws InferException {
        Optional<Double> ttftMs = RequestParameters.number(request, TTFT_MS);
        Optional<Double> rate = RequestParameters.number(request, TOKENS_PER_SECOND);
        if (ttftMs.isEmpty() && rate.isEmpty()) {
            return defaults;
        }
        try {
            Duration ttft =
                    ttftMs.map(ms -> Duration.ofNanos(Math.round(ms * 1e6))).orElse(defaults.timeToFirstToken());
            return new EchoSettings(ttft, rate.orElse(defaults.tokensPerSecond()));
        } catch (IllegalArgumentException e) {
            throw InferException.invalid("invalid echo speed parameters: " + e.getMessage());
        }
    }

    private static InferException modelError(String message) {
        return InferException.fromModel(Status.Code.INVALID_ARGUMENT, message);
    }
}
