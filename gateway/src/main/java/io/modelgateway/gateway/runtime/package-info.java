/**
 * Infrastructure every feature shares and none owns: the order in which the features' lifecycles start and stop
 * ({@link io.modelgateway.gateway.runtime.LifecyclePhases}) and the one scheduler blocking JDBC runs on
 * ({@link io.modelgateway.gateway.runtime.JdbcSchedulerConfiguration}). It depends on no feature package.
 */
package io.modelgateway.gateway.runtime;
