package io.modelgateway.gateway.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A compliance policy as the admin API and the database carry it (snake_case JSON). Every field is
 * optional: a {@code null} field inherits from the level below. Levels, most specific last: the platform
 * default, the tenant's default, the tenant's override for one deployment. Which deployments a tenant may
 * use at all is tenancy's ({@code PATCH /admin/v1/tenants/{id}} {@code deployments}).
 *
 * @param maxTokens cap on {@code max_tokens} / {@code max_completion_tokens}
 * @param maxTokensAction {@code lower} (default: the answer's budget is lowered to the cap) or {@code refuse}
 *        (a request asking for more gets a 400; one that did not ask is lowered)
 * @param maxPromptTokens cap on the prompt's tokens (400 {@code prompt_too_long})
 * @param maxRequestBytes cap on the request body (413 {@code request_too_large})
 * @param allowedParameters the OpenAI parameters a request may use besides {@code model}, {@code messages},
 *        {@code prompt} and {@code input} (400 {@code parameter_not_allowed}); {@code null} = all
 * @param regions the regions the tenant's traffic may be served in; a deployment outside them (or without a
 *        region) is refused (403 {@code region_not_allowed}); {@code null} or empty = anywhere
 * @param rules content rules; a level that sets them replaces the rules of the levels below
 * @param billFilteredPrompts whether a prompt a rule blocked is billed for its prompt tokens (default true, as
 *        Azure does)
 * @param auditMatchedText whether the audit trail keeps the matched text (default false: never)
 * @param streamWindow characters of look-behind (and, with redact rules on the answer, hold-back) used to
 *        catch matches split across stream chunks (default 64, at least the longest term)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicySpec(
        Integer maxTokens,
        String maxTokensAction,
        Integer maxPromptTokens,
        Integer maxRequestBytes,
        List<String> allowedParameters,
        List<String> regions,
        List<RuleSpec> rules,
        Boolean billFilteredPrompts,
        Boolean auditMatchedText,
        Integer streamWindow) {

    public static final PolicySpec EMPTY = new PolicySpec(null, null, null, null, null, null, null, null, null, null);

    /** This level with {@code over}'s non-null fields on top. */
    public PolicySpec with(PolicySpec over) {
        return new PolicySpec(
                or(over.maxTokens, maxTokens),
                or(over.maxTokensAction, maxTokensAction),
                or(over.maxPromptTokens, maxPromptTokens),
                or(over.maxRequestBytes, maxRequestBytes),
                or(over.allowedParameters, allowedParameters),
                or(over.regions, regions),
                or(over.rules, rules),
                or(over.billFilteredPrompts, billFilteredPrompts),
                or(over.auditMatchedText, auditMatchedText),
                or(over.streamWindow, streamWindow));
    }

    private static <T> T or(T over, T base) {
        return over != null ? over : base;
    }
}
