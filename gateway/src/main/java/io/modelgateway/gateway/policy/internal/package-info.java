/**
 * How compliance works inside: {@code Level} (a stored policy, compiled), {@code PolicyStore} (levels and
 * merged {@code EffectivePolicy}s in memory), {@code PolicyService} (database + store), {@code
 * ComplianceStage} (the call stage), {@code StreamFilter} (content rules on a streaming answer), the
 * matchers ({@code AhoCorasick}, {@code RegexFinder}, {@code Detectors}), {@code AuditLog} (queued,
 * batched audit writes) and {@code ComplianceAdmin} (the admin routes).
 *
 * <p>Null-safety: everything here is non-null unless marked {@code @Nullable}; NullAway checks it at compile time.
 */
@NullMarked
package io.modelgateway.gateway.policy.internal;

import org.jspecify.annotations.NullMarked;
