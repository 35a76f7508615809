package io.modelgateway.modelserver.internal;

import com.google.protobuf.ByteString;
import inference.InferTensorContents;
import inference.ModelInferRequest;
import inference.ModelInferRequest.InferInputTensor;
import io.modelgateway.inference.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Triton's input checks: known names, datatypes, shapes (with the batch dimension when the model batches),
 * required inputs, raw_input_contents versus contents, BYTES element counts. Messages keep Triton's
 * wording where clients match on it.
 */
public final class InputDecoder {

    private final String model;
    private final Map<String, TensorSpec> specs;
    private final int maxBatchSize;

    public InputDecoder(String model, List<TensorSpec> inputs, int maxBatchSize) {
        this.model = model;
        this.specs = inputs.stream()
                .collect(Collectors.toMap(TensorSpec::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        this.maxBatchSize = maxBatchSize;
    }

    public Map<String, Tensor> decode(ModelInferRequest request) throws InferException {
        int rawCount = request.getRawInputContentsCount();
        if (rawCount > 0 && rawCount != request.getInputsCount()) {
            throw InferException.invalid("expected " + request.getInputsCount()
                    + " entries in raw_input_contents (one per input), got " + rawCount);
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < request.getInputsCount(); i++) {
            InferInputTensor input = request.getInputs(i);
            ByteString raw = rawCount > 0 ? request.getRawInputContents(i) : null;
            if (tensors.put(input.getName(), decode(input, raw)) != null) {
                throw InferException.invalid(
                        "input '" + input.getName() + "' is specified more than once for model '" + model + "'");
            }
        }
        checkRequired(tensors);
        return tensors;
    }

    private Tensor decode(InferInputTensor input, ByteString raw) throws InferException {
        TensorSpec spec = specs.get(input.getName());
        if (spec == null) {
            throw InferException.invalid(
                    "unexpected inference input '" + input.getName() + "' for model '" + model + "'");
        }
        if (!spec.datatype().equals(input.getDatatype())) {
            throw InferException.invalid("inference input '" + spec.name() + "' data-type is '" + input.getDatatype()
                    + "', but model '" + model + "' expects '" + spec.datatype() + "'");
        }
        long[] shape = checkShape(spec, input.getShapeList());
        long elements = elementCount(spec, shape);
        ByteString data = raw != null ? checkRaw(spec, input, raw, elements) : fromContents(spec, input, elements);
        return new Tensor(spec.name(), spec.datatype(), shape, data);
    }

    private long[] checkShape(TensorSpec spec, List<Long> actual) throws InferException {
        List<Long> expected = new ArrayList<>(spec.dims());
        if (maxBatchSize > 0) {
            expected.add(0, -1L);
        }
        boolean matches = actual.size() == expected.size();
        for (int i = 0; matches && i < actual.size(); i++) {
            long want = expected.get(i);
            matches = actual.get(i) >= 0 && (want == -1 || want == actual.get(i));
        }
        if (!matches) {
            throw InferException.invalid("unexpected shape for input '" + spec.name() + "' for model '" + model
                    + "'. Expected " + format(expected) + ", got " + format(actual));
        }
        if (maxBatchSize > 0 && (actual.get(0) < 1 || actual.get(0) > maxBatchSize)) {
            throw InferException.invalid("inference request batch-size must be <= " + maxBatchSize + " for '" + model
                    + "', got " + actual.get(0));
        }
        return actual.stream().mapToLong(Long::longValue).toArray();
    }

    private long elementCount(TensorSpec spec, long[] shape) throws InferException {
        try {
            return Arrays.stream(shape).reduce(1L, Math::multiplyExact);
        } catch (ArithmeticException e) {
            throw InferException.invalid("shape of input '" + spec.name() + "' is too large");
        }
    }

    private ByteString checkRaw(TensorSpec spec, InferInputTensor input, ByteString raw, long elements)
            throws InferException {
        if (hasContents(input.getContents())) {
            throw InferException.invalid("contents field must not be specified when using raw_input_contents for '"
                    + spec.name() + "' for model '" + model + "'");
        }
        if ("BYTES".equals(spec.datatype())) {
            checkStringCount(spec, countStrings(spec, raw), elements);
            return raw;
        }
        long expectedBytes = elements * byteSize(spec.datatype());
        if (raw.size() != expectedBytes) {
            throw InferException.invalid("unexpected total byte size " + raw.size() + " for input '" + spec.name()
                    + "', expecting " + expectedBytes);
        }
        return raw;
    }

    private ByteString fromContents(TensorSpec spec, InferInputTensor input, long elements) throws InferException {
        InferTensorContents contents = input.getContents();
        switch (spec.datatype()) {
            case "BYTES" -> {
                checkStringCount(spec, contents.getBytesContentsCount(), elements);
                return encodeBytes(contents.getBytesContentsList());
            }
            case "BOOL" -> {
                if (contents.getBoolContentsCount() != elements) {
                    throw InferException.invalid("unexpected number of elements " + contents.getBoolContentsCount()
                            + " in bool_contents for inference input '" + spec.name() + "', expecting " + elements);
                }
                byte[] bools = new byte[contents.getBoolContentsCount()];
                for (int i = 0; i < bools.length; i++) {
                    bools[i] = (byte) (contents.getBoolContents(i) ? 1 : 0);
                }
                return ByteString.copyFrom(bools);
            }
            default ->
                throw InferException.invalid("contents of datatype " + spec.datatype()
                        + " are not supported by this server, use raw_input_contents");
        }
    }

    private int countStrings(TensorSpec spec, ByteString raw) throws InferException {
        try {
            return Tensors.decodeBytes(raw).size();
        } catch (IllegalArgumentException e) {
            throw InferException.invalid(
                    "malformed BYTES data for inference input '" + spec.name() + "': " + e.getMessage());
        }
    }

    private void checkStringCount(TensorSpec spec, long actual, long expected) throws InferException {
        if (actual != expected) {
            throw InferException.invalid("unexpected number of string elements " + actual + " for inference input '"
                    + spec.name() + "' for model '" + model + "', expecting " + expected);
        }
    }

    private void checkRequired(Map<String, Tensor> tensors) throws InferException {
        List<String> missing = specs.values().stream()
                .filter(s -> !s.optional() && !tensors.containsKey(s.name()))
                .map(s -> "'" + s.name() + "'")
                .toList();
        if (!missing.isEmpty()) {
            long required = specs.values().stream().filter(s -> !s.optional()).count();
            String got = tensors.keySet().stream().map(n -> "'" + n + "'").collect(Collectors.joining(","));
            throw InferException.invalid("expected " + required + " inputs but got " + tensors.size()
                    + " inputs for model '" + model + "'. Got input(s) [" + got + "], but missing required input(s) "
                    + missing + ". Please provide all required input(s).");
        }
    }

    private static ByteString encodeBytes(List<ByteString> elements) {
        int size = elements.stream().mapToInt(e -> 4 + e.size()).sum();
        ByteBuffer buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (ByteString element : elements) {
            buf.putInt(element.size());
            element.copyTo(buf);
        }
        return ByteString.copyFrom(buf.flip());
    }

    private static boolean hasContents(InferTensorContents c) {
        return c.getBoolContentsCount()
                        + c.getIntContentsCount()
                        + c.getInt64ContentsCount()
                        + c.getUintContentsCount()
                        + c.getUint64ContentsCount()
                        + c.getFp32ContentsCount()
                        + c.getFp64ContentsCount()
                        + c.getBytesContentsCount()
                > 0;
    }

    private static int byteSize(String datatype) {
        return switch (datatype) {
            case "BOOL", "UINT8", "INT8" -> 1;
            case "UINT16", "INT16", "FP16", "BF16" -> 2;
            case "UINT32", "INT32", "FP32" -> 4;
            default -> 8;
        };
    }

    private static String format(List<Long> shape) {
        return shape.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }
}
