package dev.pgevents.eventstore.jdbc;

import dev.pgevents.eventstore.AppendCondition;
import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The proof a LOCKED read hands to the append in {@link AppendCondition#heldLocks()}:
 * {@code <nonce>:<MAC of nonce, query and after>}. The read stores the nonce in the
 * transaction-local setting {@value #SETTING}, which every writer clears ({@link LockKeys#appendTo})
 * and a savepoint rollback reverts; the append inserts without a check only while the setting
 * still holds the nonce, and checks its condition otherwise. The MAC (a key per JVM) ties the
 * proof to the read's exact query and position: a proof paired with another query or position,
 * or made up, is not one, and the condition is checked.
 */
final class HeldLocks {

    static final String SETTING = "pgevents.locked_read";

    private static final SecretKeySpec KEY = newKey();
    /** One initialised MAC per thread: getInstance and init cost more than the MAC itself. */
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(HeldLocks::newMac);

    private HeldLocks() {
    }

    static String newNonce() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    static String proof(String nonce, EventQuery query, long after) {
        return nonce + ":" + mac(nonce, query, after);
    }

    /** The nonce to look for, if the condition carries a proof this store made for its own query and position. */
    static Optional<String> nonceFor(AppendCondition condition) {
        String proof = condition.heldLocks();
        int colon = proof == null ? -1 : proof.indexOf(':');
        if (colon <= 0) {
            return Optional.empty();
        }
        String nonce = proof.substring(0, colon);
        byte[] expected = mac(nonce, condition.failIfEventsMatch(), condition.after()).getBytes(StandardCharsets.US_ASCII);
        byte[] given = proof.substring(colon + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given) ? Optional.of(nonce) : Optional.empty();
    }

    /** HMAC-SHA256 over a length-prefixed encoding: distinct queries never encode alike. */
    private static String mac(String nonce, EventQuery query, long after) {
        Mac mac = MAC.get();
        update(mac, nonce);
        mac.update(ByteBuffer.allocate(12).putLong(after).putInt(query.items().size()).array());
        for (QueryItem item : query.items()) {
            update(mac, item.types());
            update(mac, item.tags());
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal()); // doFinal resets the MAC
    }

    private static void update(Mac mac, Collection<String> values) {
        mac.update(ByteBuffer.allocate(4).putInt(values.size()).array());
        for (String v : values) {
            update(mac, v);
        }
    }

    private static void update(Mac mac, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        mac.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        mac.update(bytes);
    }

    private static SecretKeySpec newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new SecretKeySpec(key, "HmacSHA256");
    }

    private static Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(KEY);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
