package io.modelgateway.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.time.Duration;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

/** Each error the foundation promises, seen through the official SDK: status, OpenAI shape, request id. */
class ErrorsEndToEndTest extends GatewayTestBase {

    private static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessage("hi there")
                .maxCompletionTokens(5)
                .build();
    }

    private static <T extends OpenAIServiceException> T assertOpenAiError(T e, int status, String code) {
        assertThat(e).isNotNull();
        assertThat(e.statusCode()).isEqualTo(status);
        assertThat(e.code()).hasValue(code);
        assertThat(e.headers().values("x-request-id")).hasSize(1);
        assertThat(e.body().toString()).doesNotContain("Exception").doesNotContain("at io.");
        return e;
    }

    @Test
    void unknownKeyIs401() {
        var e = catchThrowableOfType(
                UnauthorizedException.class,
                () -> openAi("sk-wrong").chat().completions().create(chat("echo")));
        assertOpenAiError(e, 401, "invalid_api_key");
        assertThat(e.type()).hasValue("invalid_request_error");
    }

    @Test
    void unknownModelIs404() {
        var e = catchThrowableOfType(
                NotFoundException.class, () -> openAi().chat().completions().create(chat("gpt-nope")));
        assertOpenAiError(e, 404, "model_not_found");
        assertThat(e.param()).hasValue("model");
        assertThat(e.getMessage()).contains("gpt-nope");
    }

    @Test
    void unknownModelOnRetrieveIs404() {
        var e = catchThrowableOfType(
                NotFoundException.class, () -> openAi().models().retrieve("gpt-nope"));
        assertOpenAiError(e, 404, "model_not_found");
    }

    @Test
    void invalidParameterIs400NamingIt() {
        var params = chat("echo").toBuilder().temperature(7.5).build();
        var e = catchThrowableOfType(
                BadRequestException.class, () -> openAi().chat().completions().create(params));
        assertOpenAiError(e, 400, "invalid_value");
        assertThat(e.param()).hasValue("temperature");
    }

    @Test
    void unsupportedParameterIs400NamingIt() {
        var params = chat("echo").toBuilder().n(3).build();
        var e = catchThrowableOfType(
                BadRequestException.class, () -> openAi().chat().completions().create(params));
        assertOpenAiError(e, 400, "unsupported_parameter");
        assertThat(e.param()).hasValue("n");
    }

    @Test
    void backendWithoutTheModelIs502() {
        var e = catchThrowableOfType(
                InternalServerException.class,
                () -> openAi().chat().completions().create(chat("misconfigured")));
        assertOpenAiError(e, 502, "backend_model_not_found");
    }

    @Test
    void unreachableBackendIs503WithRetryAfter() {
        var e = catchThrowableOfType(
                InternalServerException.class,
                () -> openAi().chat().completions().create(chat("unreachable")));
        assertOpenAiError(e, 503, "backend_unavailable");
        assertThat(e.headers().values("retry-after")).containsExactly("1");
    }

    @Test
    void backendSlowerThanTheFirstTokenTimeoutIs504() {
        var e = catchThrowableOfType(
                InternalServerException.class,
                () -> openAi().chat().completions().create(chat("slow-start")));
        assertOpenAiError(e, 504, "backend_timeout");

        var streamed = catchThrowableOfType(InternalServerException.class, () -> {
            try (var s = openAi().chat().completions().createStreaming(chat("slow-start"))) {
                s.stream().count();
            }
        });
        assertOpenAiError(streamed, 504, "backend_timeout");
    }

    @Test
    void clientDisconnectMidStreamCancelsTheBackendRequest() {
        long before = SLOW_TOKENS.cancelledRequests();
        var params = ChatCompletionCreateParams.builder()
                .model("slow-tokens")
                .addUserMessage("w ".repeat(500))
                .maxCompletionTokens(1000)
                .build();
        try (StreamResponse<ChatCompletionChunk> stream =
                openAi().chat().completions().createStreaming(params)) {
            Iterator<ChatCompletionChunk> it = stream.stream().iterator();
            assertThat(it.next()).isNotNull();
            assertThat(it.next()).isNotNull();
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(SLOW_TOKENS.cancelledRequests()).isEqualTo(before + 1));
    }
}
