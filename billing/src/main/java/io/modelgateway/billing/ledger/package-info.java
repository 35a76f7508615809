/** Null-safety: everything here is non-null unless marked {@code @Nullable}; NullAway checks it at compile time. */
@NullMarked
package io.modelgateway.billing.ledger;

import org.jspecify.annotations.NullMarked;
