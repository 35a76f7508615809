package io.modelgateway.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TensorsTest {

    private static ByteString bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return ByteString.copyFrom(out);
    }

    @Test
    void oneElementBytesTensorIsLittleEndianLengthThenData() {
        assertThat(Tensors.encodeString("hi")).isEqualTo(bytes(0x02, 0x00, 0x00, 0x00, 0x68, 0x69));
        assertThat(Tensors.encodeStrings(List.of("hi"))).isEqualTo(bytes(0x02, 0x00, 0x00, 0x00, 0x68, 0x69));
        assertThat(Tensors.decodeStrings(bytes(0x02, 0x00, 0x00, 0x00, 0x68, 0x69)))
                .containsExactly("hi");
    }

    @Test
    void lengthPrefixUsesAllFourBytesLittleEndian() {
        String s = "x".repeat(0x0102);
        ByteString raw = Tensors.encodeString(s);
        assertThat(raw.size()).isEqualTo(4 + 0x0102);
        assertThat(raw.substring(0, 4)).isEqualTo(bytes(0x02, 0x01, 0x00, 0x00));
        assertThat(Tensors.decodeStrings(raw)).containsExactly(s);
    }

    @Test
    void multipleElementsAreConcatenatedWithoutPadding() {
        ByteString raw = Tensors.encodeStrings(List.of("a", "bc", "def"));
        assertThat(raw).isEqualTo(bytes(1, 0, 0, 0, 'a', 2, 0, 0, 0, 'b', 'c', 3, 0, 0, 0, 'd', 'e', 'f'));
        assertThat(Tensors.decodeStrings(raw)).containsExactly("a", "bc", "def");
    }

    @Test
    void emptyStringElementIsAZeroLength() {
        ByteString raw = Tensors.encodeStrings(List.of("", "x", ""));
        assertThat(raw).isEqualTo(bytes(0, 0, 0, 0, 1, 0, 0, 0, 'x', 0, 0, 0, 0));
        assertThat(Tensors.decodeStrings(raw)).containsExactly("", "x", "");
        assertThat(Tensors.decodeBytes(bytes(0, 0, 0, 0)))
                .singleElement()
                .satisfies(b -> assertThat(b).isEmpty());
    }

    @Test
    void emptyTensorHasNoElements() {
        assertThat(Tensors.encodeStrings(List.of())).isEqualTo(ByteString.EMPTY);
        assertThat(Tensors.decodeStrings(ByteString.EMPTY)).isEmpty();
    }

    @Test
    void nonAsciiRoundTripsByteExact() {
        List<String> values = List.of("é", "世界", "😀", "naïve café 世界 🚀");
        ByteString raw = Tensors.encodeStrings(values);
        // é = C3 A9 (2 bytes), 世界 = 6 bytes, 😀 = F0 9F 98 80 (4 bytes, one surrogate pair in Java)
        assertThat(raw.substring(0, 6)).isEqualTo(bytes(2, 0, 0, 0, 0xC3, 0xA9));
        assertThat(raw.substring(6, 16)).isEqualTo(bytes(6, 0, 0, 0, 0xE4, 0xB8, 0x96, 0xE7, 0x95, 0x8C));
        assertThat(raw.substring(16, 24)).isEqualTo(bytes(4, 0, 0, 0, 0xF0, 0x9F, 0x98, 0x80));
        assertThat(Tensors.decodeStrings(raw)).containsExactlyElementsOf(values);
        List<byte[]> elements = Tensors.decodeBytes(raw);
        for (int i = 0; i < values.size(); i++) {
            assertThat(elements.get(i)).isEqualTo(values.get(i).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void arbitraryBytesSurviveDecodeBytes() {
        // decodeBytes must not go through a charset: 0xFF is not valid UTF-8
        ByteString raw = bytes(3, 0, 0, 0, 0xFF, 0x00, 0x80);
        assertThat(Tensors.decodeBytes(raw)).singleElement().isEqualTo(new byte[] {(byte) 0xFF, 0x00, (byte) 0x80});
    }

    @Test
    void truncatedLengthPrefixIsRejected() {
        assertThatThrownBy(() -> Tensors.decodeBytes(bytes(2, 0, 0))).isInstanceOf(IllegalArgumentException.class);
        // a complete element followed by a partial prefix
        assertThatThrownBy(() -> Tensors.decodeStrings(bytes(1, 0, 0, 0, 'a', 1, 0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lengthBeyondTheTensorIsRejected() {
        assertThatThrownBy(() -> Tensors.decodeBytes(bytes(3, 0, 0, 0, 'h', 'i')))
                .isInstanceOf(IllegalArgumentException.class);
        // 0xFFFFFFFF is 4 GiB as an unsigned length, not -1
        assertThatThrownBy(() -> Tensors.decodeBytes(bytes(0xFF, 0xFF, 0xFF, 0xFF, 'h', 'i')))
                .isInstanceOf(IllegalArgumentException.class);
        // a big-endian prefix (00 00 00 02) reads as 0x02000000 little-endian
        assertThatThrownBy(() -> Tensors.decodeBytes(bytes(0, 0, 0, 2, 'h', 'i')))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void int32IsLittleEndian() {
        ByteString raw = Tensors.encodeInt32(0x01020304, -1, 7);
        assertThat(raw).isEqualTo(bytes(0x04, 0x03, 0x02, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 7, 0, 0, 0));
        assertThat(Tensors.decodeInt32(raw)).containsExactly(0x01020304, -1, 7);
        assertThat(Tensors.decodeInt32(bytes(0x2A, 0, 0, 0))).containsExactly(42);
        assertThat(Tensors.decodeInt32(ByteString.EMPTY)).isEmpty();
    }

    @Test
    void fp32IsLittleEndianIeee754() {
        // 1.0f = 0x3F800000, -2.5f = 0xC0200000
        ByteString raw = Tensors.encodeFp32(new float[] {1.0f, -2.5f});
        assertThat(raw).isEqualTo(bytes(0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x20, 0xC0));
        assertThat(Tensors.decodeFp32(raw)).containsExactly(1.0f, -2.5f);

        float[] values = {0f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, 3.14159f, Float.NaN, Float.NEGATIVE_INFINITY};
        float[] back = Tensors.decodeFp32(Tensors.encodeFp32(values));
        assertThat(back).hasSize(values.length);
        for (int i = 0; i < values.length; i++) {
            assertThat(Float.floatToRawIntBits(back[i]))
                    .as("element %d", i)
                    .isEqualTo(Float.floatToRawIntBits(values[i]));
        }
    }

    @Test
    void fp32DecodesFromAnUnalignedSliceOfALargerBuffer() {
        ByteString whole = bytes(0xAA).concat(Tensors.encodeFp32(new float[] {1.5f, 2.5f}));
        assertThat(Tensors.decodeFp32(whole.substring(1))).containsExactly(1.5f, 2.5f);
    }

    @Test
    void boolIsOneByte() {
        assertThat(Tensors.encodeBool(true)).isEqualTo(bytes(1));
        assertThat(Tensors.encodeBool(false)).isEqualTo(bytes(0));
        assertThat(Tensors.decodeBool(bytes(1))).isTrue();
        assertThat(Tensors.decodeBool(bytes(0))).isFalse();
        assertThat(Tensors.decodeBool(Tensors.encodeBool(true))).isTrue();
        assertThat(Tensors.decodeBool(Tensors.encodeBool(false))).isFalse();
        assertThat(Tensors.decodeBool(ByteString.EMPTY)).isFalse();
    }
}
