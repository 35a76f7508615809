/**
 * The model catalog: each deployment's catalog entry ({@link io.modelgateway.gateway.config.CatalogProperties},
 * set in configuration or through the admin API), read with the price in force and live status by
 * {@link io.modelgateway.gateway.catalog.ModelCatalog}; shown in OpenAI's model list ({@code /v1/models}),
 * Azure's ({@code /openai/models}) and the search ({@code /v1/catalog}); and its lifecycle enforced on every call
 * by one pipeline stage ({@code internal.LifecycleStage}: deprecation headers, 410 when retired, 503 while the
 * admin API loads or unloads the model on its Triton pool, {@code internal.ModelLifecycleAdmin}).
 */
package io.modelgateway.gateway.catalog;
