package io.modelgateway.bench;

import io.modelgateway.gateway.policy.ContentRules;
import io.modelgateway.gateway.policy.RuleSpec;
import io.modelgateway.gateway.policy.RuleTarget;
import io.modelgateway.gateway.policy.internal.StreamFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.HdrHistogram.Histogram;

/**
 * What a compliance policy with 1,000 blocklist terms and all detectors adds to one request, measured on
 * the gateway's own content-rule engine (the code the call stage and the streaming filter run).
 *
 * <p>Method. The policy: one {@code terms} rule with 1,000 generated words (block, both sides), one
 * regular expression, and the five detectors (e-mail, phone, payment card, IBAN, API key), all redacting,
 * so the answer's filter also holds back its bounded window, the most expensive mode. One "request" is
 * (a) the prompt scan of a 2,000-character chat prompt without hits, as admission does it, and (b) the
 * answer's filter over a 256-token answer (about 1,500 characters) fed delta by delta, as the stream
 * relay does it, ending with {@code finish()}. A second run uses a prompt and answer that contain an
 * e-mail address and a card number (redacted). Each case runs a warm-up of {@code warmupSeconds} (default
 * 5) on one thread, then {@code seconds} (default 10) of back-to-back iterations timed one by one with
 * {@code System.nanoTime()} into an HdrHistogram; the mean and percentiles are printed in microseconds.
 * JMH-free: numbers include timer overhead (~25 ns) and are single-threaded; the gateway runs such scans
 * on its event loops, so on N cores the throughput cost is this time per request divided by N.
 *
 * <p>Run: {@code java -cp bench/target/bench.jar io.modelgateway.bench.PolicyBench [seconds] [warmupSeconds]}.
 */
public final class PolicyBench {

    private static final int TERMS = 1_000;
    private static final int ANSWER_TOKENS = 256;
    private static final int WINDOW = 64;

    private PolicyBench() {}

    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Random random = new Random(42);
        List<String> terms = words(random, TERMS, 6, 12);
        long compileStart = System.nanoTime();
        ContentRules rules = ContentRules.compile(policy(terms));
        long compileMicros = (System.nanoTime() - compileStart) / 1_000_000;

        List<String> vocabulary = words(random, 5_000, 2, 9);
        String cleanPrompt = text(random, vocabulary, 2_000);
        List<String> cleanAnswer = tokens(random, vocabulary, ANSWER_TOKENS);
        String hitPrompt = cleanPrompt.substring(0, 1_000) + " write to jane.doe@example.com and pay with "
                + "4111 1111 1111 1111 " + cleanPrompt.substring(1_000);
        List<String> hitAnswer = new ArrayList<>(cleanAnswer.subList(0, 100));
        hitAnswer.addAll(List.of(" mail", " jane.doe@", "example.com", " card", " 4111", " 1111", " 1111", " 1111"));
        hitAnswer.addAll(cleanAnswer.subList(100, ANSWER_TOKENS - 8));

        System.out.printf(
                Locale.ROOT,
                "policy: %d blocklist terms + 1 regex + 5 detectors (compiled in %d ms)%n",
                TERMS,
                compileMicros);
        System.out.printf(
                Locale.ROOT,
                "request: %d-char prompt scan + %d-token answer filtered delta by delta " + "(window %d chars)%n%n",
                cleanPrompt.length(),
                ANSWER_TOKENS,
                WINDOW);
        System.out.printf(
                Locale.ROOT,
                "%-34s %10s %10s %10s %10s %12s%n",
                "case",
                "mean us",
                "p50 us",
                "p99 us",
                "p99.9 us",
                "iterations");
        run(
                "prompt scan, no hits",
                seconds,
                warmup,
                () -> rules.scan(cleanPrompt, RuleTarget.PROMPT).size());
        run("answer filter, no hits", seconds, warmup, () -> filter(rules, cleanAnswer));
        run(
                "whole request, no hits",
                seconds,
                warmup,
                () -> rules.scan(cleanPrompt, RuleTarget.PROMPT).size() + filter(rules, cleanAnswer));
        run("whole request, 2 redactions each", seconds, warmup, () -> {
            String redacted = ContentRules.redact(hitPrompt, rules.scan(hitPrompt, RuleTarget.PROMPT));
            return redacted.length() + filter(rules, hitAnswer);
        });
        run("no policy (baseline: no-op)", seconds, warmup, () -> cleanAnswer.size());
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
        StreamFilter f = new StreamFilter(rules, WINDOW, (m, text, side) -> {});
        int sent = 0;
        for (String delta : answer) {
            sent += f.accept(delta).length();
        }
        return sent + f.finish().length();
    }

    private interface Work {
        int run();
    }

    private static void run(String name, int seconds, int warmupSeconds, Work work) {
        long sink = 0;
        long warmEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            sink += work.run();
        }
        Histogram h = new Histogram(3_600_000_000L, 3);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long n = 0;
        while (true) {
            long t0 = System.nanoTime();
            if (t0 >= end) {
                break;
            }
            sink += work.run();
            h.recordValue(System.nanoTime() - t0);
            n++;
        }
        System.out.printf(
                Locale.ROOT,
                "%-34s %10.2f %10.2f %10.2f %10.2f %12d%n",
                name,
                h.getMean() / 1e3,
                h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(99) / 1e3,
                h.getValueAtPercentile(99.9) / 1e3,
                n);
        if (sink == 42) {
            System.out.print("");
        }
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
