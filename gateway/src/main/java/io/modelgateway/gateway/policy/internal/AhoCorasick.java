package io.modelgateway.gateway.policy.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A blocklist of terms as one Aho-Corasick automaton: a single pass over the text finds every occurrence
 * of every term, whatever their number. Case is folded per character when the rule ignores case; with
 * {@code wholeWords} a match must not touch a letter or digit on either side.
 */
public final class AhoCorasick implements Finder {

    private final char[][] keys;
    private final int[][] next;
    private final int[] fail;
    private final int[] length; // length of the term ending here, 0 if none
    private final int[] outLink; // nearest node on the fail chain that ends a term, 0 if none
    private final boolean ignoreCase;
    private final boolean wholeWords;
    private final int longest;

    public AhoCorasick(List<String> terms, boolean ignoreCase, boolean wholeWords) {
        this.ignoreCase = ignoreCase;
        this.wholeWords = wholeWords;
        List<Map<Character, Integer>> trie = new ArrayList<>();
        List<Integer> ends = new ArrayList<>();
        trie.add(new TreeMap<>());
        ends.add(0);
        int max = 0;
        for (String term : terms) {
            int node = 0;
            for (int i = 0; i < term.length(); i++) {
                char c = fold(term.charAt(i));
                Integer child = trie.get(node).get(c);
                if (child == null) {
                    child = trie.size();
                    trie.add(new TreeMap<>());
                    ends.add(0);
                    trie.get(node).put(c, child);
                }
                node = child;
            }
            ends.set(node, term.length());
            max = Math.max(max, term.length());
        }
        int n = trie.size();
        keys = new char[n][];
        next = new int[n][];
        length = new int[n];
        for (int i = 0; i < n; i++) {
            Map<Character, Integer> m = trie.get(i);
            keys[i] = new char[m.size()];
            next[i] = new int[m.size()];
            int k = 0;
            for (Map.Entry<Character, Integer> e : m.entrySet()) {
                keys[i][k] = e.getKey();
                next[i][k++] = e.getValue();
            }
            length[i] = ends.get(i);
        }
        fail = new int[n];
        outLink = new int[n];
        links();
        longest = max;
    }

    private void links() {
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int child : next[0]) {
            queue.add(child);
        }
        while (!queue.isEmpty()) {
            int node = queue.poll();
            for (int k = 0; k < keys[node].length; k++) {
                int child = next[node][k];
                int f = fail[node];
                int target;
                while ((target = step(f, keys[node][k])) < 0 && f != 0) {
                    f = fail[f];
                }
                fail[child] = target < 0 || target == child ? 0 : target;
                outLink[child] = length[fail[child]] > 0 ? fail[child] : outLink[fail[child]];
                queue.add(child);
            }
        }
    }

    private int step(int node, char c) {
        int i = Arrays.binarySearch(keys[node], c);
        return i < 0 ? -1 : next[node][i];
    }

    private char fold(char c) {
        return ignoreCase ? Character.toLowerCase(c) : c;
    }

    @Override
    public void find(CharSequence text, Sink sink) {
        int node = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = fold(text.charAt(i));
            int target;
            while ((target = step(node, c)) < 0 && node != 0) {
                node = fail[node];
            }
            node = target < 0 ? 0 : target;
            for (int out = length[node] > 0 ? node : outLink[node]; out != 0; out = outLink[out]) {
                int start = i + 1 - length[out];
                if (!wholeWords || Boundaries.word(text, start, i + 1)) {
                    sink.match(start, i + 1);
                }
            }
        }
    }

    @Override
    public int longest() {
        return longest;
    }
}
