package io.modelgateway.inference.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChooserTest {

    /** A replica stand-in: load, readiness and what tryAcquire answers. */
    static final class Fake implements Choosable {

        final String name;
        int outstanding;
        boolean routable = true;
        Admission admission = Admission.ADMITTED;

        Fake(String name, int outstanding) {
            this.name = name;
            this.outstanding = outstanding;
        }

        @Override
        public boolean routable(String model) {
            return routable;
        }

        @Override
        public int outstanding() {
            return outstanding;
        }

        @Override
        public Admission tryAcquire() {
            if (admission == Admission.ADMITTED) {
                outstanding++;
            }
            return admission;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @Test
    void picksTheReplicaWithTheFewestCallsInFlight() {
        Fake a = new Fake("a", 3);
        Fake b = new Fake("b", 1);
        Fake c = new Fake("c", 2);
        assertThat(Chooser.choose(List.of(a, b, c), "m", Set.of(), 0).replica()).isSameAs(b);
        assertThat(b.outstanding).isEqualTo(2);
    }

    @Test
    void tiesAreBrokenByTheStartingPoint() {
        List<Fake> replicas = List.of(new Fake("a", 0), new Fake("b", 0), new Fake("c", 0));
        List<String> picked = new ArrayList<>();
        for (int start = 0; start < 3; start++) {
            replicas.forEach(r -> r.outstanding = 0);
            picked.add(Chooser.choose(replicas, "m", Set.of(), start).replica().name);
        }
        assertThat(picked).containsExactly("a", "b", "c");
    }

    @Test
    void spreadsLoadEvenlyWhenCallsAccumulate() {
        List<Fake> replicas = List.of(new Fake("a", 0), new Fake("b", 0), new Fake("c", 0));
        for (int i = 0; i < 30; i++) {
            Chooser.choose(replicas, "m", Set.of(), i * 7);
        }
        assertThat(replicas).allSatisfy(r -> assertThat(r.outstanding).isEqualTo(10));
    }

    @Test
    void skipsUnroutableAndAlreadyTriedReplicas() {
        Fake a = new Fake("a", 0);
        Fake b = new Fake("b", 5);
        Fake c = new Fake("c", 9);
        a.routable = false;
        assertThat(Chooser.choose(List.of(a, b, c), "m", Set.of(b), 0).replica())
                .isSameAs(c);
    }

    @Test
    void fallsBackToTheNextBestWhenABreakerIsOpen() {
        Fake a = new Fake("a", 0);
        Fake b = new Fake("b", 4);
        a.admission = Choosable.Admission.BREAKER_OPEN;
        Chooser.Choice<Fake> choice = Chooser.choose(List.of(a, b), "m", Set.of(), 0);
        assertThat(choice.replica()).isSameAs(b);
    }

    @Test
    void reportsOverloadedOnlyWhenAReadyReplicaWasFull() {
        Fake a = new Fake("a", 2);
        Fake b = new Fake("b", 2);
        a.admission = Choosable.Admission.FULL;
        b.admission = Choosable.Admission.BREAKER_OPEN;
        Chooser.Choice<Fake> full = Chooser.choose(List.of(a, b), "m", Set.of(), 0);
        assertThat(full.found()).isFalse();
        assertThat(full.overloaded()).isTrue();

        a.admission = Choosable.Admission.BREAKER_OPEN;
        Chooser.Choice<Fake> open = Chooser.choose(List.of(a, b), "m", Set.of(), 0);
        assertThat(open.found()).isFalse();
        assertThat(open.overloaded()).isFalse();
    }

    @Test
    void findsNothingInAnEmptyPool() {
        assertThat(Chooser.choose(List.<Fake>of(), "m", Set.of(), 42).found()).isFalse();
    }
}
