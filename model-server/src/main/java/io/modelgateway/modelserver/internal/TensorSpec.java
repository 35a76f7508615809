package io.modelgateway.modelserver.internal;

import inference.DataType;
import java.util.Arrays;
import java.util.List;

/**
 * One input or output of a model: wire datatype (BYTES, BOOL, UINT32, ...), dims without the batch
 * dimension (-1 = any size), and whether an input may be omitted.
 */
public record TensorSpec(String name, String datatype, List<Long> dims, boolean optional) {

    public TensorSpec {
        dims = List.copyOf(dims);
    }

    public static TensorSpec required(String name, String datatype, long... dims) {
        return new TensorSpec(name, datatype, toList(dims), false);
    }

    public static TensorSpec optional(String name, String datatype, long... dims) {
        return new TensorSpec(name, datatype, toList(dims), true);
    }

    /** The model-config enum of this datatype (wire BYTES is config TYPE_STRING). */
    public DataType configType() {
        return "BYTES".equals(datatype) ? DataType.TYPE_STRING : DataType.valueOf("TYPE_" + datatype);
    }

    private static List<Long> toList(long[] dims) {
        return Arrays.stream(dims).boxed().toList();
    }
}
