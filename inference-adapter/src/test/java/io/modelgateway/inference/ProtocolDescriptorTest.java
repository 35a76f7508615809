package io.modelgateway.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import inference.GRPCInferenceServiceGrpc;
import io.grpc.MethodDescriptor.MethodType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checks the generated protobuf descriptors against the reference table of Triton's protocol
 * ({@code triton-fields.tsv}, a copy of {@code shared/triton-fields.tsv}): every rpc with its request and
 * response types and streaming flags, every field with its name, number, label and type.
 */
class ProtocolDescriptorTest {

    private static final String TABLE = "/triton-fields.tsv";
    private static final List<FileDescriptor> FILES =
            List.of(inference.GrpcService.getDescriptor(), inference.ModelConfigOuterClass.getDescriptor());
    private static final Map<String, Descriptor> MESSAGES = new HashMap<>();
    private static final Map<String, ServiceDescriptor> SERVICES = new HashMap<>();

    static {
        for (FileDescriptor file : FILES) {
            for (Descriptor d : file.getMessageTypes()) {
                collect(d);
            }
            for (ServiceDescriptor s : file.getServices()) {
                SERVICES.put(s.getFullName(), s);
            }
        }
    }

    private static void collect(Descriptor d) {
        MESSAGES.put(d.getFullName(), d);
        for (Descriptor nested : d.getNestedTypes()) {
            collect(nested);
        }
    }

    /** One row of the table: kind, scope, name, number, label, type, note. */
    record Row(
            int line, String kind, String scope, String name, String number, String label, String type, String note) {

        Row with(UnaryOperator<String> number, UnaryOperator<String> label, UnaryOperator<String> type) {
            return new Row(
                    line,
                    kind,
                    scope,
                    name,
                    number.apply(this.number),
                    label.apply(this.label),
                    type.apply(this.type),
                    note);
        }

        @Override
        public String toString() {
            return kind.equals("rpc")
                    ? "rpc " + scope + "/" + name + ": " + type
                    : "field " + scope + "." + name + " = " + number + " (" + label + " " + type + ")"
                            + (note.isBlank() ? "" : " [" + note.trim() + "]");
        }
    }

    static List<Row> rows() {
        InputStream in = ProtocolDescriptorTest.class.getResourceAsStream(TABLE);
        if (in == null) {
            throw new IllegalStateException(TABLE + " is missing from the test classpath");
        }
        List<Row> rows = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] c = line.split("\t", -1);
                if (c.length != 7) {
                    throw new IllegalStateException(TABLE + ":" + n + ": expected 7 columns, got " + c.length);
                }
                rows.add(
                        new Row(n, c[0].trim(), c[1].trim(), c[2].trim(), c[3].trim(), c[4].trim(), c[5].trim(), c[6]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    @Test
    void tableIsReadCompletely() {
        List<Row> rows = rows();
        assertThat(rows).hasSizeGreaterThan(100);
        assertThat(rows).extracting(Row::kind).containsOnly("rpc", "field");
        Map<String, Long> byKind = rows.stream().collect(Collectors.groupingBy(Row::kind, Collectors.counting()));
        assertThat(byKind.get("rpc")).isGreaterThanOrEqualTo(11);
        assertThat(byKind.get("field")).isGreaterThan(90);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void descriptorMatchesTable(Row row) {
        verify(row);
    }

    /**
     * The comparison must be strict: for every row, changing its number, label, type or streaming flags
     * must make {@link #verify} fail.
     */
    @Test
    void comparisonRejectsAlteredRows() {
        int mutants = 0;
        for (Row row : rows()) {
            List<Row> altered = new ArrayList<>();
            if (row.kind().equals("rpc")) {
                altered.add(row.with(n -> n, l -> l, t -> t.startsWith("stream ") ? t.substring(7) : "stream " + t));
                altered.add(row.with(n -> n, l -> l, t -> {
                    String[] sides = t.split("->");
                    return sides[1].trim() + " -> " + sides[0].trim();
                }));
                altered.add(row.with(n -> n, l -> l, t -> t + "X"));
            } else {
                altered.add(row.with(n -> String.valueOf(Integer.parseInt(n) + 1), l -> l, t -> t));
                altered.add(row.with(n -> n, l -> l.equals("repeated") ? "optional" : "repeated", t -> t));
                altered.add(row.with(
                        n -> n,
                        l -> l,
                        t -> t.equals("string")
                                ? "bytes"
                                : t.equals("int64")
                                        ? "uint64"
                                        : t.equals("int32") ? "uint32" : t.contains(".") ? t + "X" : "string"));
                altered.add(new Row(
                        row.line(),
                        row.kind(),
                        row.scope(),
                        row.name() + "_x",
                        row.number(),
                        row.label(),
                        row.type(),
                        row.note()));
            }
            for (Row a : altered) {
                mutants++;
                assertThatThrownBy(() -> verify(a)).as("altered row %s", a).isInstanceOf(AssertionError.class);
            }
        }
        assertThat(mutants).isGreaterThan(300);
    }

    @Test
    void dataTypeEnumHasTritonsValues() {
        EnumDescriptor e = inference.ModelConfigOuterClass.getDescriptor().findEnumTypeByName("DataType");
        assertThat(e).isNotNull();
        Map<String, Integer> expected = new LinkedHashMap<>();
        String[] names = {
            "INVALID", "BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "FP32",
            "FP64", "STRING", "BF16"
        };
        for (int i = 0; i < names.length; i++) {
            expected.put("TYPE_" + names[i], i);
        }
        Map<String, Integer> actual = new LinkedHashMap<>();
        for (EnumValueDescriptor v : e.getValues()) {
            actual.put(v.getName(), v.getNumber());
        }
        assertThat(actual).containsExactlyEntriesOf(expected);
    }

    @Test
    void packageHasNoJavaOuterClassSurprises() {
        for (FileDescriptor file : FILES) {
            assertThat(file.getPackage()).isEqualTo("inference");
        }
        assertThat(GRPCInferenceServiceGrpc.SERVICE_NAME).isEqualTo("inference.GRPCInferenceService");
    }

    static void verify(Row row) {
        switch (row.kind()) {
            case "rpc" -> verifyRpc(row);
            case "field" -> verifyField(row);
            default -> fail("unknown kind '%s' on line %d", row.kind(), row.line());
        }
    }

    private static void verifyRpc(Row row) {
        ServiceDescriptor service = SERVICES.get(row.scope());
        assertThat(service).as("service %s", row.scope()).isNotNull();
        MethodDescriptor m = service.findMethodByName(row.name());
        assertThat(m).as("rpc %s/%s", row.scope(), row.name()).isNotNull();
        String[] sides = row.type().split("->", -1);
        assertThat(sides).as("rpc type '%s' must be 'in -> out'", row.type()).hasSize(2);
        Side in = Side.parse(sides[0]);
        Side out = Side.parse(sides[1]);
        assertThat(m.getInputType().getFullName()).as("%s input type", row).isEqualTo(in.type());
        assertThat(m.getOutputType().getFullName()).as("%s output type", row).isEqualTo(out.type());
        assertThat(m.isClientStreaming()).as("%s client streaming", row).isEqualTo(in.stream());
        assertThat(m.isServerStreaming()).as("%s server streaming", row).isEqualTo(out.stream());

        // the grpc-java stubs were generated from the same service
        io.grpc.MethodDescriptor<?, ?> grpc = GRPCInferenceServiceGrpc.getServiceDescriptor().getMethods().stream()
                .filter(d -> d.getFullMethodName().equals(row.scope() + "/" + row.name()))
                .findFirst()
                .orElse(null);
        assertThat(grpc).as("grpc-java method %s/%s", row.scope(), row.name()).isNotNull();
        MethodType expectedType = in.stream()
                ? (out.stream() ? MethodType.BIDI_STREAMING : MethodType.CLIENT_STREAMING)
                : (out.stream() ? MethodType.SERVER_STREAMING : MethodType.UNARY);
        assertThat(grpc.getType()).as("%s grpc method type", row).isEqualTo(expectedType);
    }

    private record Side(boolean stream, String type) {
        static Side parse(String s) {
            String t = s.trim();
            boolean stream = t.startsWith("stream ");
            return new Side(stream, stream ? t.substring("stream ".length()).trim() : t);
        }
    }

    private static void verifyField(Row row) {
        Descriptor message = MESSAGES.get(row.scope());
        assertThat(message).as("message %s", row.scope()).isNotNull();
        FieldDescriptor f = message.findFieldByName(row.name());
        assertThat(f).as("field %s.%s", row.scope(), row.name()).isNotNull();
        assertThat(String.valueOf(f.getNumber())).as("%s number", row).isEqualTo(row.number());
        assertThat(label(f)).as("%s label", row).isEqualTo(row.label());
        assertThat(typeName(f)).as("%s type", row).isEqualTo(row.type());

        String note = row.note().trim();
        OneofDescriptor oneof = f.getRealContainingOneof();
        if (note.startsWith("oneof:")) {
            assertThat(oneof).as("%s oneof", row).isNotNull();
            assertThat(oneof.getName()).as("%s oneof", row).isEqualTo(note.substring("oneof:".length()));
        } else {
            assertThat(oneof).as("%s must not be in a oneof", row).isNull();
        }
        assertThat(message.getOptions().getMapEntry()).as("%s map entry", row).isEqualTo(note.contains("map_entry"));
        if (row.type().endsWith("ParametersEntry")) {
            assertThat(f.isMapField()).as("%s is a map", row).isTrue();
        }
    }

    private static String label(FieldDescriptor f) {
        if (f.isRepeated()) {
            return "repeated";
        }
        return f.isRequired() ? "required" : "optional";
    }

    private static String typeName(FieldDescriptor f) {
        return switch (f.getType()) {
            case MESSAGE, GROUP -> f.getMessageType().getFullName();
            case ENUM -> f.getEnumType().getFullName();
            default -> f.getType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
