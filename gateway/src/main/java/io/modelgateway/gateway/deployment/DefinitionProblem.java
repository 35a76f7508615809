package io.modelgateway.gateway.deployment;

/**
 * What is wrong with a deployment definition: a configured one stops startup with it, an admin request gets a
 * 400 naming {@code field}.
 *
 * @param field the setting at fault, in the admin API's snake_case ({@code chat_template})
 * @param message what is wrong with it
 */
public record DefinitionProblem(String field, String message) {

    /** The field as configuration spells it ({@code chat-template}). */
    public String property() {
        return field.replace('_', '-');
    }
}
