package io.modelgateway.modelserver.internal;

import inference.InferParameter;
import inference.ModelInferRequest;
import io.modelgateway.inference.TensorNames;
import java.util.Map;
import java.util.Optional;

/** Request-level parameters as Triton's gRPC frontend checks them, and typed access to custom ones. */
public final class RequestParameters {

    private RequestParameters() {}

    /**
     * Rejects reserved {@code triton_*} keys other than {@code triton_enable_empty_final_response} and custom
     * uint64 parameters; returns whether an empty final response was asked for.
     */
    public static boolean validate(ModelInferRequest request) throws InferException {
        boolean emptyFinal = false;
        for (Map.Entry<String, InferParameter> e : request.getParametersMap().entrySet()) {
            String key = e.getKey();
            InferParameter value = e.getValue();
            if (TensorNames.ENABLE_EMPTY_FINAL_RESPONSE.equals(key)) {
                if (value.getParameterChoiceCase() != InferParameter.ParameterChoiceCase.BOOL_PARAM) {
                    throw InferException.invalid("invalid value type for '" + key + "' parameter, expected bool_param");
                }
                emptyFinal = value.getBoolParam();
            } else if (key.startsWith("triton_")) {
                throw InferException.invalid("parameter keys starting with 'triton_' are reserved for Triton usage and"
                        + " should not be specified, got '" + key + "'");
            } else if (value.getParameterChoiceCase() == InferParameter.ParameterChoiceCase.UINT64_PARAM
                    && !"priority".equals(key)) {
                throw InferException.invalid(
                        "invalid value type 'uint64_param' for parameter '" + key + "', only 'priority' accepts it");
            }
        }
        return emptyFinal;
    }

    /** A custom numeric parameter given as int64, double or a numeric string. */
    public static Optional<Double> number(ModelInferRequest request, String key) throws InferException {
        InferParameter p = request.getParametersMap().get(key);
        if (p == null) {
            return Optional.empty();
        }
        return switch (p.getParameterChoiceCase()) {
            case INT64_PARAM -> Optional.of((double) p.getInt64Param());
            case DOUBLE_PARAM -> Optional.of(p.getDoubleParam());
            case STRING_PARAM -> Optional.of(parse(key, p.getStringParam()));
            default -> throw InferException.invalid("parameter '" + key + "' must be a number");
        };
    }

    private static double parse(String key, String value) throws InferException {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw InferException.invalid("parameter '" + key + "' must be a number, got '" + value + "'");
        }
    }
}
