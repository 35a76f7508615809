package io.modelgateway.inference;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Raw tensor encoding of Triton's binary protocol: little-endian, row-major, no padding; a BYTES
 * element is a 4-byte little-endian unsigned length followed by its bytes.
 */
public final class Tensors {

    private Tensors() {}

    /** Encodes UTF-8 strings as one raw BYTES tensor. */
    public static ByteString encodeStrings(List<String> values) {
        List<byte[]> bytes = new ArrayList<>(values.size());
        int size = 0;
        for (String v : values) {
            byte[] b = v.getBytes(StandardCharsets.UTF_8);
            bytes.add(b);
            size += 4 + b.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] b : bytes) {
            buf.putInt(b.length).put(b);
        }
        return ByteString.copyFrom(buf.flip());
    }

    /** Encodes one UTF-8 string as a raw BYTES tensor of one element. */
    public static ByteString encodeString(String value) {
        return encodeStrings(List.of(value));
    }

    /** Decodes a raw BYTES tensor into its elements. */
    public static List<byte[]> decodeBytes(ByteString raw) {
        ByteBuffer buf = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> out = new ArrayList<>();
        while (buf.hasRemaining()) {
            if (buf.remaining() < 4) {
                throw new IllegalArgumentException("truncated BYTES element length");
            }
            long len = Integer.toUnsignedLong(buf.getInt());
            if (len > buf.remaining()) {
                throw new IllegalArgumentException("BYTES element length " + len + " exceeds the tensor");
            }
            byte[] b = new byte[(int) len];
            buf.get(b);
            out.add(b);
        }
        return out;
    }

    /** Decodes a raw BYTES tensor into UTF-8 strings. */
    public static List<String> decodeStrings(ByteString raw) {
        List<byte[]> bytes = decodeBytes(raw);
        List<String> out = new ArrayList<>(bytes.size());
        for (byte[] b : bytes) {
            out.add(new String(b, StandardCharsets.UTF_8));
        }
        return out;
    }

    public static ByteString encodeBool(boolean value) {
        return ByteString.copyFrom(new byte[] {(byte) (value ? 1 : 0)});
    }

    public static boolean decodeBool(ByteString raw) {
        return !raw.isEmpty() && raw.byteAt(0) != 0;
    }

    public static ByteString encodeInt32(int... values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            buf.putInt(v);
        }
        return ByteString.copyFrom(buf.flip());
    }

    /** Decodes INT32 or UINT32 elements (token counts fit either). */
    public static int[] decodeInt32(ByteString raw) {
        ByteBuffer buf = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[buf.remaining() / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = buf.getInt();
        }
        return out;
    }

    public static ByteString encodeFp32(float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return ByteString.copyFrom(buf);
    }

    public static float[] decodeFp32(ByteString raw) {
        ByteBuffer buf = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[buf.remaining() / 4];
        buf.asFloatBuffer().get(out);
        return out;
    }
}
