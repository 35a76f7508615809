package io.modelgateway.inference;

/** One entry of Triton's model repository index. */
public record ModelStatus(String name, String version, String state, String reason) {

    public boolean ready() {
        return "READY".equals(state);
    }
}
