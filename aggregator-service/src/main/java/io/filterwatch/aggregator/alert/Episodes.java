package io.filterwatch.aggregator.alert;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import io.filterwatch.protocol.Alert;

/**
 * Fire-once-per-episode bookkeeping for every (run, rule, layer). Pure state machine: the same
 * sequence of evaluations gives the same transitions and the same ids, so a replay of the input
 * reproduces the alerts exactly (the id hashes the key and the step at which the episode began).
 */
final class Episodes {
    private final Map<String, Episode> episodes = new HashMap<>();
    private final int clearEvaluations;

    Episodes(int clearEvaluations) {
        this.clearEvaluations = Math.max(1, clearEvaluations);
    }

    /**
     * @param fire    the condition at its fire threshold
     * @param holding the condition still above its (lower) resolve threshold
     * @return the FIRING or RESOLVED transition, if this evaluation made one
     */
    Optional<Transition> evaluate(String runId, AlertRule rule, String layer, boolean fire, boolean holding, long step) {
        String key = runId + '\u0000' + rule.ruleName() + '\u0000' + (layer == null ? "" : layer);
        Episode e = episodes.computeIfAbsent(key, k -> new Episode());
        if (!e.firing) {
            if (fire) {
                e.firing = true;
                e.id = id(key, step);
                e.sinceStep = step;
                e.clear = 0;
                return Optional.of(new Transition(e.id, Alert.Status.FIRING, e.sinceStep));
            }
            return Optional.empty();
        }
        if (fire || holding) {
            e.clear = 0;
            return Optional.empty();
        }
        if (++e.clear >= clearEvaluations) {
            e.firing = false;
            return Optional.of(new Transition(e.id, Alert.Status.RESOLVED, e.sinceStep));
        }
        return Optional.empty();
    }

    void clear() {
        episodes.clear();
    }

    private static String id(String key, long step) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((key + '\u0000' + step).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    record Transition(String id, Alert.Status status, long sinceStep) {
    }

    private static final class Episode {
        boolean firing;
        String id;
        long sinceStep;
        int clear;
    }
}
