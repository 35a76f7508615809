/**
 * Infrastructure every feature shares and none owns: the order in which the features' lifecycles start and stop
 * ({@link io.modelgateway.gateway.runtime.LifecyclePhases}), the one scheduler blocking JDBC runs on
 * ({@link io.modelgateway.gateway.runtime.JdbcSchedulerConfiguration}), the JSON configuration
 * ({@link io.modelgateway.gateway.runtime.JsonMappers}), and how stored state kept in memory stays fresh on every
 * replica: periodic reloads and reloads on a signal ({@link io.modelgateway.gateway.runtime.Reloader}), the
 * signals sent over Redis pub/sub ({@link io.modelgateway.gateway.runtime.RedisSignals}), and the batching of a Lua
 * script's operations into few Redis round trips ({@link io.modelgateway.gateway.runtime.ScriptBatcher}). It depends
 * on no feature package.
 */
@NullMarked
package io.modelgateway.gateway.runtime;

import org.jspecify.annotations.NullMarked;
