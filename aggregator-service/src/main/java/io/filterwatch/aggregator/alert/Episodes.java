package io.filterwatch.aggregator.alert;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

import io.filterwatch.protocol.Alert;
import io.filterwatch.protocol.AlertRule;

/**
 * Open/closed state per (run, rule, layer), and the three guards against noise: an episode fires
 * only after its condition held for {@code persistence} consecutive evaluations; once open it stays
 * open for at least {@code minEvaluations} evaluations; it resolves after {@code clearEvaluations}
 * consecutive evaluations below the (lower) resolve threshold. Ids are a hash of the key and the
 * step the episode fired at, so a replay reproduces them.
 */
final class Episodes {
    private final Map<String, Episode> episodes = new HashMap<>();
    private final int persistence;
    private final int clearEvaluations;
    private final int minEvaluations;

    Episodes(int persistence, int clearEvaluations, int minEvaluations) {
        this.persistence = Math.max(1, persistence);
        this.clearEvaluations = Math.max(1, clearEvaluations);
        this.minEvaluations = Math.max(1, minEvaluations);
    }

    /**
     * @param fire        the condition at its fire threshold
     * @param holding     the condition still above its (lower) resolve threshold
     * @param persistence evaluations the condition must hold before firing (1 = at once)
     * @return the FIRING or RESOLVED transition, if this evaluation made one
     */
    Optional<Transition> evaluate(String runId, AlertRule rule, String layer, boolean fire, boolean holding, long step, int persistence) {
        Episode e = episodes.computeIfAbsent(key(runId, rule, layer), k -> new Episode());
        if (!e.firing) {
            e.streak = fire ? e.streak + 1 : 0;
            if (e.streak >= persistence) {
                e.firing = true;
                e.id = id(key(runId, rule, layer), step);
                e.sinceStep = step;
                e.clear = 0;
                e.open = 0;
                e.streak = 0;
                return Optional.of(new Transition(e.id, Alert.Status.FIRING, e.sinceStep));
            }
            return Optional.empty();
        }
        e.open++;
        e.clear = fire || holding ? 0 : e.clear + 1;
        if (e.clear >= clearEvaluations && e.open >= minEvaluations) {
            e.firing = false;
            return Optional.of(new Transition(e.id, Alert.Status.RESOLVED, e.sinceStep));
        }
        return Optional.empty();
    }

    Optional<Transition> evaluate(String runId, AlertRule rule, String layer, boolean fire, boolean holding, long step) {
        return evaluate(runId, rule, layer, fire, holding, step, persistence);
    }

    /** Opens an episode at once (events decided elsewhere, e.g. silence); empty if already open. */
    Optional<Transition> open(String runId, AlertRule rule, String layer, long step) {
        Episode e = episodes.computeIfAbsent(key(runId, rule, layer), k -> new Episode());
        if (e.firing) {
            return Optional.empty();
        }
        e.firing = true;
        e.id = id(key(runId, rule, layer), step);
        e.sinceStep = step;
        return Optional.of(new Transition(e.id, Alert.Status.FIRING, step));
    }

    /** Closes an open episode at once; empty if none is open. */
    Optional<Transition> close(String runId, AlertRule rule, String layer) {
        Episode e = episodes.get(key(runId, rule, layer));
        if (e == null || !e.firing) {
            return Optional.empty();
        }
        e.firing = false;
        return Optional.of(new Transition(e.id, Alert.Status.RESOLVED, e.sinceStep));
    }

    boolean isOpen(String runId, AlertRule rule, String layer) {
        Episode e = episodes.get(key(runId, rule, layer));
        return e != null && e.firing;
    }

    void clear() {
        episodes.clear();
    }

    private static String key(String runId, AlertRule rule, String layer) {
        return runId + '\u0000' + rule.ruleName() + '\u0000' + (layer == null ? "" : layer);
    }

    static String id(String key, long step) {
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
        int streak;
        int open;
        int clear;
    }
}
