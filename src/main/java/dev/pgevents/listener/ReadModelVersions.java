package dev.pgevents.listener;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Rebuild without downtime: versions of one read model, each its own listener (and tables),
 * oldest first. A new version is deployed beside the live one and catches up in the background;
 * {@link #current()} names the version queries should read: the newest one that has caught up
 * with the store (its checkpoint reached the safe position). The switch is one way: once a newer
 * version is current, queries never go back. The old version can then be removed (its listener
 * and tables) in a later release.
 */
public final class ReadModelVersions {

    private final ListenerAdmin admin;
    private final List<String> versions;
    private final AtomicInteger current = new AtomicInteger(0);

    public ReadModelVersions(ListenerAdmin admin, String... listenerIds) {
        if (listenerIds.length == 0) {
            throw new IllegalArgumentException("at least one version");
        }
        this.admin = admin;
        this.versions = List.of(listenerIds);
    }

    /** The listener id of the version to query. */
    public String current() {
        int at = current.get();
        for (int i = versions.size() - 1; i > at; i--) {
            String id = versions.get(i);
            if (admin.caughtUp(id)) {
                current.accumulateAndGet(i, Math::max);
                break;
            }
        }
        return versions.get(current.get());
    }
}
