package io.modelgateway.inference;

import java.util.List;

/**
 * Embeddings in input order, with the prompt tokens they took.
 *
 * @param vectors one vector per input
 * @param usage prompt tokens (completion tokens are 0)
 */
public record EmbeddingResult(List<float[]> vectors, TokenUsage usage) {

    public EmbeddingResult {
        vectors = List.copyOf(vectors);
    }

    public int dimensions() {
        return vectors.isEmpty() ? 0 : vectors.get(0).length;
    }
}
