package io.modelgateway.modelserver.internal;

import io.grpc.Status;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The model repository: name and version lookups with Triton's status codes. */
public final class ModelRegistry {

    private final Map<String, Model> models = new LinkedHashMap<>();

    public ModelRegistry(List<Model> models) {
        models.forEach(m -> this.models.put(m.name(), m));
    }

    public Collection<Model> all() {
        return models.values();
    }

    public boolean allReady() {
        return models.values().stream().allMatch(m -> m.state().isReady());
    }

    /** The model of that name and version ("" = latest), whatever its state. */
    public Model find(String name, String version) throws InferException {
        Model model = models.get(name);
        if (model == null) {
            throw InferException.of(Status.Code.NOT_FOUND, "Request for unknown model: '" + name + "' is not found");
        }
        if (!version.isEmpty() && parseVersion(version) != 1) {
            throw InferException.of(Status.Code.NOT_FOUND,
                    "Request for unknown model: '" + name + "' version " + version + " is not found");
        }
        return model;
    }

    /** Like {@link #find} but the model must be READY. */
    public Model ready(String name, String version) throws InferException {
        Model model = find(name, version);
        if (!model.state().isReady()) {
            throw InferException.of(Status.Code.UNAVAILABLE,
                    "Request for model '" + name + "' version " + Model.VERSION + " is not at ready state");
        }
        return model;
    }

    private static long parseVersion(String version) throws InferException {
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException e) {
            throw InferException.invalid(
                    "failed to get model version from specified version string '" + version + "'");
        }
    }
}
