package io.modelgateway.inference.internal;

import java.util.Collection;
import java.util.List;

/**
 * Least outstanding requests: among the routable replicas not yet tried for this call, the one with the
 * fewest calls in flight takes it; ties go to the first from a random starting point. A replica whose breaker
 * or bulkhead refuses is skipped for the next best.
 */
public final class Chooser {

    private Chooser() {}

    /** The replica that took the call, or none; {@code overloaded} when a routable one was only full. */
    public record Choice<T>(T replica, boolean overloaded) {

        public boolean found() {
            return replica != null;
        }
    }

    /**
     * Picks and admits a replica.
     *
     * @param start where ties start, e.g. a random number (any int; taken modulo the size)
     */
    public static <T extends Choosable> Choice<T> choose(
            List<T> replicas, String model, Collection<T> excluded, int start) {
        int n = replicas.size();
        boolean[] refused = null;
        boolean full = false;
        for (int round = 0; round < n; round++) {
            int best = best(replicas, model, excluded, refused, Math.floorMod(start, Math.max(n, 1)));
            if (best < 0) {
                break;
            }
            Choosable.Admission admission = replicas.get(best).tryAcquire();
            if (admission == Choosable.Admission.ADMITTED) {
                return new Choice<>(replicas.get(best), false);
            }
            full |= admission == Choosable.Admission.FULL;
            refused = refused == null ? new boolean[n] : refused;
            refused[best] = true;
        }
        return new Choice<>(null, full);
    }

    private static <T extends Choosable> int best(
            List<T> replicas, String model, Collection<T> excluded, boolean[] refused, int start) {
        int n = replicas.size();
        int best = -1;
        int bestLoad = Integer.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            T r = replicas.get(i);
            if ((refused != null && refused[i]) || excluded.contains(r) || !r.routable(model)) {
                continue;
            }
            int load = r.outstanding();
            if (load < bestLoad) {
                best = i;
                bestLoad = load;
            }
        }
        return best;
    }
}
