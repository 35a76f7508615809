package io.modelgateway.gateway.forwarding.internal;

import io.modelgateway.gateway.auth.Caller;
import io.modelgateway.gateway.deployment.Deployment;
import io.modelgateway.gateway.edge.RequestIdFilter;
import io.modelgateway.gateway.edge.RequestLoops;
import io.modelgateway.gateway.edge.json.Bodies;
import io.modelgateway.gateway.pipeline.Call;
import io.modelgateway.gateway.pipeline.Operation;
import io.modelgateway.inference.ChatMessage;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.springframework.web.server.ServerWebExchange;

/**
 * The one way into the pipeline: every handler (Triton chat and completions, HTTP upstreams, embeddings)
 * builds its {@link Call} here, described in full — the prompt texts the stages check and may redact, the
 * request's parameter names, the prompt's tokens and the output budget ({@code max_tokens × n}) — so that no
 * stage can see a call with less than what will be forwarded.
 */
public final class Calls {

    private Calls() {}

    /**
     * A generation. On a Triton deployment the prompt is the rendered chat template (one text); on an HTTP
     * upstream it is each message's text (the upstream renders its own template), or the completions prompt.
     */
    public static Call generation(ServerWebExchange exchange, Generation gen, Clock clock) {
        List<String> prompts = gen.deployment().proxied() && gen.chat()
                ? gen.messages().stream().map(ChatMessage::content).toList()
                : List.of(gen.prompt());
        return open(
                exchange,
                gen.deployment(),
                gen.chat() ? Operation.CHAT : Operation.COMPLETION,
                gen.stream(),
                prompts,
                gen.parameters(),
                gen.deployment().tokens().count(gen.prompt()),
                gen.maxTokens(),
                gen.choices(),
                clock);
    }

    /** An embeddings call: its inputs are the prompts, their tokens the whole budget. */
    public static Call embeddings(
            ServerWebExchange exchange, Deployment d, List<String> inputs, Set<String> parameters, Clock clock) {
        int promptTokens = 0;
        for (String input : inputs) {
            promptTokens += d.tokens().count(input);
        }
        return open(exchange, d, Operation.EMBEDDINGS, false, inputs, parameters, promptTokens, 0, 1, clock);
    }

    private static Call open(
            ServerWebExchange exchange,
            Deployment d,
            Operation operation,
            boolean stream,
            List<String> prompts,
            Set<String> parameters,
            int promptTokens,
            int maxTokens,
            int choices,
            Clock clock) {
        Call call = new Call(
                RequestIdFilter.of(exchange),
                Caller.of(exchange),
                d,
                operation,
                stream,
                prompts,
                parameters,
                promptTokens,
                maxTokens,
                choices,
                Bodies.size(exchange),
                clock.instant(),
                exchange.getResponse().getHeaders());
        exchange.getAttributes().put(Call.ATTRIBUTE, call);
        call.resumeOn(RequestLoops.of(exchange));
        return call;
    }
}
