package io.modelgateway.gateway.console.internal;

import io.modelgateway.gateway.edge.error.ApiException;
import java.util.Map;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The console's static files from the jar: its own CSS and JS ({@code console/}) and uPlot from its WebJar.
 * Served by plain routes (not {@code RouterFunctions.resources}) so that each one declares its access like
 * every other route. Only files of the known kinds, with names of plain path segments, are served.
 */
public final class Assets {

    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    private static final Map<String, MediaType> TYPES = Map.of(
            "css", MediaType.valueOf("text/css"),
            "js", MediaType.valueOf("text/javascript"),
            "png", MediaType.IMAGE_PNG,
            "svg", MediaType.valueOf("image/svg+xml"));

    public Mono<ServerResponse> uplot(ServerRequest req) {
        return serve(UPLOT, req.pathVariable("file"));
    }

    public Mono<ServerResponse> console(ServerRequest req) {
        return serve("console/", req.pathVariable("file"));
    }

    private static Mono<ServerResponse> serve(String root, String file) {
        String name = file.startsWith("/") ? file.substring(1) : file;
        MediaType type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
        if (type == null
                || !name.matches("[A-Za-z0-9_\\-][A-Za-z0-9_.\\-]*(/[A-Za-z0-9_\\-][A-Za-z0-9_.\\-]*)*")
                || name.contains("..")) {
            return Mono.error(ApiException.notFound("asset", name));
        }
        Resource resource = new ClassPathResource(root + name);
        if (!resource.isReadable()) {
            return Mono.error(ApiException.notFound("asset", name));
        }
        return ServerResponse.ok().contentType(type).bodyValue(resource);
    }
}
