package io.modelgateway.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The alert rules pass {@code promtool check rules}, and {@code promtool test rules} fires each alert at least
 * once (helm/tests/alerts.test.yaml). promtool comes from Debian's {@code prometheus} package (.ci/run installs it);
 * without it these tests fail.
 */
class AlertRulesTest {

    static String promtool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .directory(Path.of(".").toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }

    @Test
    void rulesAreValid() throws Exception {
        assertThat(promtool("check", "rules", "model-gateway/files/alerts.yaml"))
                .contains("SUCCESS: " + rulesIn("model-gateway/files/alerts.yaml") + " rules found");
    }

    /** How many rules (alerts and recordings) the file declares, over all its groups. */
    @SuppressWarnings("unchecked")
    static int rulesIn(String file) throws Exception {
        Map<String, Object> root = new Yaml().load(java.nio.file.Files.readString(Path.of(file)));
        int n = 0;
        for (Map<String, Object> group : (List<Map<String, Object>>) root.get("groups")) {
            n += ((List<?>) group.get("rules")).size();
        }
        assertThat(n).as("rules in " + file).isPositive();
        return n;
    }

    @Test
    void everyAlertFiresInItsUnitTest() throws Exception {
        assertThat(promtool("test", "rules", "tests/alerts.test.yaml")).contains("SUCCESS");
        String tests = java.nio.file.Files.readString(Path.of("tests/alerts.test.yaml"));
        String rules = java.nio.file.Files.readString(Path.of("model-gateway/files/alerts.yaml"));
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("- alert: (\\w+)").matcher(rules);
        while (m.find()) {
            assertThat(tests)
                    .as("a firing case for " + m.group(1))
                    .containsPattern("alertname: " + m.group(1) + "\\n\\s+exp_alerts:\\n\\s+- exp_labels");
        }
    }
}
