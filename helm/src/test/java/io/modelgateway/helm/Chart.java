package io.modelgateway.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.yaml.snakeyaml.Yaml;

/** The chart under test and its rendered objects. */
final class Chart {

    static final Path DIR = Path.of("model-gateway").toAbsolutePath();
    static final Path PRODUCTION = DIR.resolve("ci/production-values.yaml");
    static final String RELEASE = "gw";
    static final String FULLNAME = "gw-model-gateway";

    private Chart() {}

    static Helm helm() {
        return new Helm(DIR);
    }

    /** Renders the chart (release {@code gw}, namespace {@code ai}) and parses every object. */
    static Rendered render(UnaryOperator<TemplateCommand> options) {
        String yaml = options.apply(
                        helm().template().withName(RELEASE).withNamespace("ai").withKubeVersion("1.31.0"))
                .call();
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(yaml)) {
            if (doc != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> object = (Map<String, Object>) doc;
                objects.add(object);
            }
        }
        return new Rendered(yaml, objects);
    }

    record Rendered(String yaml, List<Map<String, Object>> objects) {

        Map<String, Object> get(String kind, String name) {
            return objects.stream()
                    .filter(o -> kind.equals(o.get("kind")) && name.equals(at(o, "metadata.name")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in\n" + yaml));
        }

        List<String> kinds() {
            return objects.stream()
                    .map(o -> o.get("kind") + "/" + at(o, "metadata.name"))
                    .toList();
        }
    }

    /** The value at a dotted path of maps; list items by index ({@code containers.0.name}). */
    @SuppressWarnings("unchecked")
    static <T> T at(Object root, String path) {
        Object current = root;
        for (String part : path.split("\\.")) {
            if (current instanceof Map<?, ?> map) {
                current = map.get(part);
            } else if (current instanceof List<?> list) {
                current = list.get(Integer.parseInt(part));
            } else {
                return null;
            }
        }
        return (T) current;
    }
}
