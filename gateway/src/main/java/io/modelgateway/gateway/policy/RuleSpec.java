package io.modelgateway.gateway.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One content rule as the admin API and the database carry it (snake_case JSON).
 *
 * @param id the rule's name, reported in annotations, errors and the audit trail
 * @param type {@code terms}, {@code regex}, {@code email}, {@code phone}, {@code payment_card}, {@code iban}
 *        or {@code api_key}
 * @param terms the blocklist of a {@code terms} rule
 * @param pattern the expression of a {@code regex} rule (RE2 syntax, linear-time)
 * @param action {@code block} (default), {@code redact} or {@code annotate}
 * @param target {@code prompt}, {@code completion} or {@code both} (default)
 * @param caseSensitive terms and regex: match case exactly (default false)
 * @param wholeWords terms: match only whole words (default true)
 * @param replacement redact: the text put in place of a match (default {@code [REDACTED]} or {@code [EMAIL]},
 *        {@code [PHONE]}, {@code [CARD]}, {@code [IBAN]}, {@code [SECRET]})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleSpec(
        String id,
        String type,
        List<String> terms,
        String pattern,
        String action,
        String target,
        Boolean caseSensitive,
        Boolean wholeWords,
        String replacement) {}
