package io.modelgateway.gateway.forwarding.internal;

import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.config.GatewayProperties.Kind;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.deployment.Deployments;
import io.modelgateway.gateway.edge.error.ApiException;
import io.modelgateway.gateway.edge.json.Fields;
import io.modelgateway.inference.ChatMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads and validates chat/completions and completions bodies (OpenAI's schema). Parameters a Triton
 * deployment cannot honour are refused with a 400 naming them, never ignored silently.
 */
public final class GenerationReader {

    private static final Set<String> CHAT_FIELDS = Set.of(
            "model",
            "messages",
            "max_tokens",
            "max_completion_tokens",
            "temperature",
            "top_p",
            "n",
            "stream",
            "stream_options",
            "stop",
            "seed",
            "presence_penalty",
            "frequency_penalty",
            "user",
            "logprobs",
            "top_logprobs",
            "logit_bias",
            "response_format",
            "tools",
            "tool_choice",
            "parallel_tool_calls",
            "functions",
            "function_call",
            "metadata",
            "store",
            "service_tier",
            "reasoning_effort",
            "modalities",
            "prediction",
            "audio");
    private static final Set<String> COMPLETION_FIELDS = Set.of(
            "model",
            "prompt",
            "max_tokens",
            "temperature",
            "top_p",
            "n",
            "stream",
            "stream_options",
            "stop",
            "seed",
            "presence_penalty",
            "frequency_penalty",
            "user",
            "logprobs",
            "logit_bias",
            "echo",
            "best_of",
            "suffix");
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");
    private static final Set<String> MESSAGE_FIELDS =
            Set.of("role", "content", "name", "tool_calls", "tool_call_id", "refusal", "function_call", "audio");

    private final Deployments deployments;

    public GenerationReader(Deployments deployments) {
        this.deployments = deployments;
    }

    /** @param pathDeployment the deployment named by an Azure path, or null for OpenAI paths */
    public Generation chat(JsonNode body, String pathDeployment, Caller caller) {
        Fields.rejectUnknown(body, CHAT_FIELDS);
        Deployment d = deployment(body, pathDeployment, caller);
        List<ChatMessage> messages = messages(body);
        rejectUnsupported(body);
        String prompt;
        try {
            prompt = d.chatTemplate().render(messages, true);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("messages", e.getMessage());
        }
        Integer max = Fields.integer(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
        String maxParam = "max_completion_tokens";
        if (max == null) {
            max = Fields.integer(body, "max_tokens", 1, Integer.MAX_VALUE);
            maxParam = "max_tokens";
        }
        return generation(true, body, d, prompt, messages, max, maxParam, 1);
    }

    public Generation completion(JsonNode body, String pathDeployment, Caller caller) {
        Fields.rejectUnknown(body, COMPLETION_FIELDS);
        Deployment d = deployment(body, pathDeployment, caller);
        String prompt = prompt(body);
        rejectUnsupported(body);
        if (Boolean.TRUE.equals(Fields.bool(body, "echo"))) {
            throw ApiException.unsupported("echo", "'echo' is not supported by this deployment.");
        }
        Integer bestOf = Fields.integer(body, "best_of", 1, 20);
        if (bestOf != null && bestOf > 1 && !d.proxied()) {
            throw ApiException.unsupported("best_of", "'best_of' greater than 1 is not supported by this deployment.");
        }
        if (Fields.get(body, "suffix") != null) {
            throw ApiException.unsupported("suffix", "'suffix' is not supported by this deployment.");
        }
        Integer max = Fields.integer(body, "max_tokens", 1, Integer.MAX_VALUE);
        return generation(false, body, d, prompt, List.of(), max, "max_tokens", bestOf == null ? 1 : bestOf);
    }

    private Generation generation(
            boolean chat,
            JsonNode body,
            Deployment d,
            String prompt,
            List<ChatMessage> messages,
            Integer max,
            String maxParam,
            int bestOf) {
        int maxTokens = max == null ? d.defaultMaxTokens() : max;
        if (maxTokens > d.maxTokensLimit()) {
            throw ApiException.invalid(
                    maxParam,
                    "invalid_value",
                    maxParam + " is too large: " + maxTokens + ". This model supports at most " + d.maxTokensLimit()
                            + " completion tokens.");
        }
        boolean stream = Boolean.TRUE.equals(Fields.bool(body, "stream"));
        boolean includeUsage = streamOptions(body, stream);
        Map<String, Object> sampling = sampling(body);
        Set<String> asked = answerShapingParameters(body, chat);
        asked.addAll(sampling.keySet());
        d.unsupportedParameter(asked).ifPresent(p -> {
            throw ApiException.unsupported(
                    p,
                    "n".equals(p)
                            ? "'n' greater than 1 is not supported by this deployment."
                            : "'" + p + "' is not supported by this deployment.");
        });
        Map<String, Object> shaping = shaping(chat, body, bestOf);
        int n = (Integer) shaping.getOrDefault("n", 1);
        if (bestOf > 1 && bestOf < n) {
            throw ApiException.invalid("best_of", "invalid_value", "'best_of' must be greater than or equal to 'n'.");
        }
        return new Generation(
                chat,
                d,
                prompt,
                messages,
                maxTokens,
                maxParam,
                Math.max(n, bestOf),
                stream,
                includeUsage,
                sampling,
                shaping,
                Set.copyOf(body.propertyNames()));
    }

    private Deployment deployment(JsonNode body, String pathDeployment, Caller caller) {
        String model = Fields.string(body, "model", pathDeployment == null);
        Deployment d = deployments.require(pathDeployment != null ? pathDeployment : model, caller);
        if (d.kind() != Kind.CHAT) {
            throw ApiException.invalid(
                    "model", "model_not_supported", "The model `" + d.name() + "` does not support this endpoint.");
        }
        return d;
    }

    private static List<ChatMessage> messages(JsonNode body) {
        JsonNode arr = Fields.get(body, "messages");
        if (arr == null) {
            throw ApiException.invalid(
                    "messages", "missing_required_parameter", "Missing required parameter: 'messages'.");
        }
        if (!arr.isArray()) {
            throw Fields.typeError("messages", "an array", arr);
        }
        if (arr.isEmpty()) {
            throw ApiException.invalid(
                    "messages",
                    "empty_array",
                    "Invalid 'messages': empty array. Expected an array with minimum length 1.");
        }
        List<ChatMessage> out = new ArrayList<>(arr.size());
        for (int i = 0; i < arr.size(); i++) {
            out.add(message(arr.get(i), "messages[" + i + "]"));
        }
        return out;
    }

    private static ChatMessage message(JsonNode m, String param) {
        if (!m.isObject()) {
            throw Fields.typeError(param, "an object", m);
        }
        for (String name : m.propertyNames()) {
            if (!MESSAGE_FIELDS.contains(name)) {
                throw ApiException.invalid(
                        param + "." + name,
                        "unknown_parameter",
                        "Unrecognized request argument supplied: " + param + "." + name);
            }
        }
        String role = Fields.string(m, "role", false);
        if (role == null) {
            throw ApiException.invalid(
                    param + ".role", "missing_required_parameter", "Missing required parameter: '" + param + ".role'.");
        }
        if (!ROLES.contains(role)) {
            throw ApiException.invalid(
                    param + ".role",
                    "invalid_value",
                    "Invalid value: '" + role
                            + "'. Supported values are: 'system', 'developer', 'user', 'assistant' and 'tool'.");
        }
        if (m.has("tool_calls") || m.has("function_call")) {
            throw ApiException.unsupported(param + ".tool_calls", "Tool calls are not supported by this deployment.");
        }
        return new ChatMessage(role, content(m.get("content"), param + ".content", role));
    }

    private static String content(JsonNode c, String param, String role) {
        if (c == null || c.isNull()) {
            if ("assistant".equals(role)) {
                return "";
            }
            throw ApiException.invalid(
                    param, "missing_required_parameter", "Missing required parameter: '" + param + "'.");
        }
        if (c.isString()) {
            return c.asString();
        }
        if (!c.isArray()) {
            throw Fields.typeError(param, "a string or an array of content parts", c);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < c.size(); i++) {
            JsonNode part = c.get(i);
            String p = param + "[" + i + "]";
            String type = part.isObject() ? Fields.string(part, "type", true) : null;
            if (type == null) {
                throw Fields.typeError(p, "a content part object", part);
            }
            if (!"text".equals(type)) {
                throw ApiException.unsupported(
                        p + ".type", "Content parts of type '" + type + "' are not supported by this deployment.");
            }
            text.append(Fields.string(part, "text", true));
        }
        return text.toString();
    }

    private static String prompt(JsonNode body) {
        JsonNode p = Fields.get(body, "prompt");
        if (p == null) {
            throw ApiException.invalid("prompt", "missing_required_parameter", "Missing required parameter: 'prompt'.");
        }
        if (p.isString()) {
            return p.asString();
        }
        if (p.isArray() && p.size() == 1 && p.get(0).isString()) {
            return p.get(0).asString();
        }
        if (p.isArray()) {
            throw ApiException.unsupported(
                    "prompt",
                    "Only a single text prompt is supported by this deployment (no batches or token arrays).");
        }
        throw Fields.typeError("prompt", "a string", p);
    }

    private static void rejectUnsupported(JsonNode body) {
        for (String f : List.of("tools", "functions")) {
            JsonNode t = Fields.get(body, f);
            if (t != null && !(t.isArray() && t.isEmpty())) {
                throw ApiException.unsupported(f, "'" + f + "' (tool calling) is not supported by this deployment.");
            }
        }
        JsonNode format = Fields.get(body, "response_format");
        if (format != null) {
            String type = format.isObject() ? Fields.string(format, "type", true) : null;
            if (!"text".equals(type)) {
                throw ApiException.unsupported(
                        "response_format", "Only response_format {\"type\": \"text\"} is supported.");
            }
        }
        Fields.string(body, "user", false);
        Fields.bool(body, "store");
    }

    /**
     * Parameters that change the answer's shape (several choices, log probabilities) or need OpenAI's token
     * ids, when the client set them to more than their default: a Triton layout cannot honour them, an
     * OpenAI-compatible upstream can ({@link Deployment#unsupportedParameter} decides).
     */
    private static Set<String> answerShapingParameters(JsonNode body, boolean chat) {
        Set<String> out = new LinkedHashSet<>();
        Integer n = Fields.integer(body, "n", 1, 128);
        if (n != null && n > 1) {
            out.add("n");
        }
        // OpenAI's types: chat takes a boolean and top_logprobs 0..20, completions an integer 0..5.
        boolean logprobs = chat
                ? Boolean.TRUE.equals(Fields.bool(body, "logprobs"))
                : Optional.ofNullable(Fields.integer(body, "logprobs", 0, 5)).orElse(0) > 0;
        if (logprobs) {
            out.add("logprobs");
        }
        if (chat && Fields.integer(body, "top_logprobs", 0, 20) != null) {
            out.add("top_logprobs");
        }
        JsonNode bias = Fields.get(body, "logit_bias");
        if (bias != null && !(bias.isObject() && bias.isEmpty())) {
            out.add("logit_bias");
        }
        return out;
    }

    /**
     * The answer-shaping parameters as validated values, for an HTTP upstream (a Triton deployment refused
     * them above unless they are at their defaults).
     */
    private static Map<String, Object> shaping(boolean chat, JsonNode body, int bestOf) {
        Map<String, Object> out = new LinkedHashMap<>(4);
        put(out, "n", Fields.integer(body, "n", 1, 128));
        if (bestOf > 1) {
            out.put("best_of", bestOf);
        }
        JsonNode logprobs = Fields.get(body, "logprobs");
        if (logprobs != null) {
            out.put("logprobs", chat ? Fields.bool(body, "logprobs") : Fields.integer(body, "logprobs", 0, 5));
        }
        if (chat) {
            put(out, "top_logprobs", Fields.integer(body, "top_logprobs", 0, 20));
        }
        JsonNode bias = Fields.get(body, "logit_bias");
        if (bias != null) {
            if (!bias.isObject() || bias.size() > 300) {
                throw Fields.typeError("logit_bias", "an object of at most 300 token ids", bias);
            }
            Map<String, Double> biases = new LinkedHashMap<>();
            for (String token : bias.propertyNames()) {
                if (!token.matches("[0-9]{1,9}")) {
                    throw ApiException.invalid(
                            "logit_bias", "invalid_value", "Invalid 'logit_bias': '" + token + "' is not a token id.");
                }
                Double value = Fields.number(bias, token, -100, 100);
                if (value == null) {
                    throw Fields.typeError("logit_bias", "an object of numbers", bias);
                }
                biases.put(token, value);
            }
            out.put("logit_bias", biases);
        }
        return out;
    }

    private static boolean streamOptions(JsonNode body, boolean stream) {
        JsonNode o = Fields.get(body, "stream_options");
        if (o == null) {
            return false;
        }
        if (!stream) {
            throw ApiException.invalid(
                    "stream_options", "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
        }
        if (!o.isObject()) {
            throw Fields.typeError("stream_options", "an object", o);
        }
        return Boolean.TRUE.equals(Fields.bool(o, "include_usage"));
    }

    private static Map<String, Object> sampling(JsonNode body) {
        Map<String, Object> s = new HashMap<>(8);
        put(s, "temperature", Fields.number(body, "temperature", 0, 2));
        put(s, "top_p", Fields.number(body, "top_p", 0, 1));
        put(s, "presence_penalty", Fields.number(body, "presence_penalty", -2, 2));
        put(s, "frequency_penalty", Fields.number(body, "frequency_penalty", -2, 2));
        put(s, "seed", Fields.longValue(body, "seed"));
        JsonNode stop = Fields.get(body, "stop");
        if (stop != null) {
            s.put("stop", stops(stop));
        }
        return s;
    }

    private static List<String> stops(JsonNode stop) {
        if (stop.isString()) {
            return List.of(stop.asString());
        }
        if (!stop.isArray() || stop.size() > 4) {
            throw ApiException.invalid(
                    "stop", "invalid_value", "Invalid 'stop': expected a string or an array of up to 4 strings.");
        }
        List<String> out = new ArrayList<>(stop.size());
        for (JsonNode s : stop) {
            if (!s.isString()) {
                throw Fields.typeError("stop", "an array of strings", stop);
            }
            out.add(s.asString());
        }
        return out;
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
