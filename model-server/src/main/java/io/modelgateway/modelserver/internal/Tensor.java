package io.modelgateway.modelserver.internal;

import com.google.protobuf.ByteString;
import io.modelgateway.inference.Tensors;
import java.util.List;

/** A validated input tensor, its data in Triton's raw layout whichever way the client sent it. */
public record Tensor(String name, String datatype, long[] shape, ByteString raw) {

    public List<String> strings() {
        return Tensors.decodeStrings(raw);
    }

    public boolean bool() {
        return Tensors.decodeBool(raw);
    }
}
