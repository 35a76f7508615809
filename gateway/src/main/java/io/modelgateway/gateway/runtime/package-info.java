/**
 * Infrastructure every feature shares and none owns: the order in which the features' lifecycles start and stop
 * ({@link io.modelgateway.gateway.runtime.LifecyclePhases}), the one scheduler blocking JDBC runs on
 * ({@link io.modelgateway.gateway.runtime.JdbcSchedulerConfiguration}) and the JSON
 * configuration ({@link io.modelgateway.gateway.runtime.JsonMappers}). It depends on no feature package.
 */
package io.modelgateway.gateway.runtime;
