package io.modelgateway.bench;

import io.modelgateway.gateway.policy.ContentRules;
import io.modelgateway.gateway.policy.RuleSpec;
import io.modelgateway.gateway.policy.RuleTarget;
import io.modelgateway.gateway.policy.internal.PolicyProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a compliance policy with 1,000 blocklist terms and all detectors adds to one request, measured on
 * the gateway's own content-rule engine (the code the call stage and the streaming filter run), with JMH.
 *
 * <p>Method. The policy: one {@code terms} rule with 1,000 generated words (block, both sides), one
 * regular expression, and the five detectors (e-mail, phone, payment card, IBAN, API key), all redacting,
 * so the answer's filter also holds back its bounded window, the most expensive mode. One "request" is
 * (a) the prompt scan of a 2,000-character chat prompt without hits, as admission does it, and (b) the
 * answer's filter over a 256-token answer (about 1,500 characters) fed delta by delta, as the stream
 * relay does it, ending with {@code finish()}. {@code wholeRequestTwoRedactions} uses a prompt and answer that
 * contain an e-mail address and a card number (redacted); {@code noPolicy} is the baseline. Average time per
 * operation, one thread: the gateway runs such scans on its event loops, so on N cores the throughput cost is
 * this time per request divided by N.
 *
 * <p>Run: {@code java -cp bench/target/bench.jar io.modelgateway.bench.PolicyBench [JMH options]}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class PolicyBench {

    private static final int TERMS = 1_000;
    private static final int ANSWER_TOKENS = 256;
    private static final int WINDOW = 64;

    ContentRules rules;
    private String cleanPrompt;
    List<String> cleanAnswer;
    private String hitPrompt;
    private List<String> hitAnswer;

    @Setup
    public void compile() {
        Random random = new Random(42);
        rules = ContentRules.compile(policy(words(random, TERMS, 6, 12)));
        List<String> vocabulary = words(random, 5_000, 2, 9);
        cleanPrompt = text(random, vocabulary, 2_000);
        cleanAnswer = tokens(random, vocabulary, ANSWER_TOKENS);
        hitPrompt = cleanPrompt.substring(0, 1_000) + " write to jane.doe@example.com and pay with "
                + "4111 1111 1111 1111 " + cleanPrompt.substring(1_000);
        hitAnswer = new ArrayList<>(cleanAnswer.subList(0, 100));
        hitAnswer.addAll(List.of(" mail", " jane.doe@", "example.com", " card", " 4111", " 1111", " 1111", " 1111"));
        hitAnswer.addAll(cleanAnswer.subList(100, ANSWER_TOKENS - 8));
    }

    @Benchmark
    public int promptScan() {
        return rules.scan(cleanPrompt, RuleTarget.PROMPT).size();
    }

    @Benchmark
    public int answerFilter() {
        return filter(rules, cleanAnswer);
    }

    @Benchmark
    public int wholeRequest() {
        return rules.scan(cleanPrompt, RuleTarget.PROMPT).size() + filter(rules, cleanAnswer);
    }

    @Benchmark
    public int wholeRequestTwoRedactions() {
        String redacted = ContentRules.redact(hitPrompt, rules.scan(hitPrompt, RuleTarget.PROMPT));
        return redacted.length() + filter(rules, hitAnswer);
    }

    @Benchmark
    public int noPolicy() {
        return cleanAnswer.size();
    }

    public static void main(String[] args) throws Exception {
        Jmh.main(PolicyBench.class, args);
    }

    private static List<RuleSpec> policy(List<String> terms) {
        return List.of(
                new RuleSpec("blocklist", "terms", terms, null, "block", "both", null, null, null),
                new RuleSpec("orders", "regex", null, "order\\s+#\\d{6}", "redact", "both", null, null, null),
                new RuleSpec("email", "email", null, null, "redact", "both", null, null, null),
                new RuleSpec("phone", "phone", null, null, "redact", "both", null, null, null),
                new RuleSpec("card", "payment_card", null, null, "redact", "both", null, null, null),
                new RuleSpec("iban", "iban", null, null, "redact", "both", null, null, null),
                new RuleSpec("secret", "api_key", null, null, "redact", "both", null, null, null));
    }

    private static int filter(ContentRules rules, List<String> answer) {
        PolicyProbe f = new PolicyProbe(rules, WINDOW);
        int sent = 0;
        for (String delta : answer) {
            sent += f.accept(delta).length();
        }
        return sent + f.finish().length();
    }

    private static List<String> words(Random random, int count, int minLength, int maxLength) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = minLength + random.nextInt(maxLength - minLength + 1);
            StringBuilder w = new StringBuilder(length);
            for (int j = 0; j < length; j++) {
                w.append((char) ('a' + random.nextInt(26)));
            }
            out.add(w.toString());
        }
        return out;
    }

    private static String text(Random random, List<String> vocabulary, int chars) {
        StringBuilder s = new StringBuilder(chars + 16);
        while (s.length() < chars) {
            s.append(word(random, vocabulary)).append(random.nextInt(12) == 0 ? ". " : " ");
        }
        return s.toString();
    }

    private static List<String> tokens(Random random, List<String> vocabulary, int count) {
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(" " + word(random, vocabulary));
        }
        return out;
    }

    /** Mostly words, some numbers (years, amounts) and capitalised words, as prose has. */
    private static String word(Random random, List<String> vocabulary) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return Integer.toString(random.nextInt(10_000));
        }
        String w = vocabulary.get(random.nextInt(vocabulary.size()));
        return kind == 1 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w;
    }
}
