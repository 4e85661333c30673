package dev.pgevents.inbound;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Every statement on es_inbound_offset and es_inbound_parked (V20__inbound_messages.sql). */
final class InboundTables {

    private static final String PARKED_COLUMNS = "id, translator, consumer_group, topic, kafka_partition, kafka_offset, "
            + "message_key, message_value, headers::text, error, attempts, parked_at, last_attempt_at";

    private InboundTables() {
    }

    /**
     * Records the message as consumed by the group, unless a message at or after its offset
     * already was: then returns false (a redelivery). The row stays locked until the transaction
     * ends, so a concurrent handler of the same message waits and then sees it consumed.
     */
    static boolean advance(Connection c, String group, InboundMessage m) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO es_inbound_offset (consumer_group, topic, kafka_partition, last_offset) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (consumer_group, topic, kafka_partition) DO UPDATE "
                        + "SET last_offset = EXCLUDED.last_offset, updated_at = now() "
                        + "WHERE es_inbound_offset.last_offset < EXCLUDED.last_offset")) {
            ps.setString(1, group);
            ps.setString(2, m.topic());
            ps.setInt(3, m.partition());
            ps.setLong(4, m.offset());
            return ps.executeUpdate() == 1;
        }
    }

    /** The offset of the last message of this partition the group consumed, if any. */
    static OptionalLong lastOffset(Connection c, String group, String topic, int partition) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT last_offset FROM es_inbound_offset "
                + "WHERE consumer_group = ? AND topic = ? AND kafka_partition = ?")) {
            ps.setString(1, group);
            ps.setString(2, topic);
            ps.setInt(3, partition);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    static void park(Connection c, String translator, String group, InboundMessage m, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO es_inbound_parked (translator, consumer_group, topic, "
                + "kafka_partition, kafka_offset, message_key, message_value, headers, error) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)")) {
            ps.setString(1, translator);
            ps.setString(2, group);
            ps.setString(3, m.topic());
            ps.setInt(4, m.partition());
            ps.setLong(5, m.offset());
            ps.setString(6, m.key());
            ps.setBytes(7, m.value());
            JsonObjectBuilder headers = Json.createObjectBuilder();
            m.headers().forEach(headers::add);
            ps.setString(8, headers.build().toString());
            ps.setString(9, error);
            ps.executeUpdate();
        }
    }

    static List<ParkedMessage> parked(Connection c, String translator) throws SQLException {
        String sql = "SELECT " + PARKED_COLUMNS + " FROM es_inbound_parked"
                + (translator == null ? "" : " WHERE translator = ?") + " ORDER BY id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (translator != null) {
                ps.setString(1, translator);
            }
            List<ParkedMessage> list = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(parkedMessage(rs));
                }
            }
            return list;
        }
    }

    /** The parked message with its raw value. */
    static Optional<Parked> findParked(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + PARKED_COLUMNS
                + " FROM es_inbound_parked WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                ParkedMessage p = parkedMessage(rs);
                return Optional.of(new Parked(p, new InboundMessage(p.topic(), p.partition(), p.offset(), p.key(),
                        rs.getBytes(8), p.headers())));
            }
        }
    }

    /** A parked message and the message as it was read. */
    record Parked(ParkedMessage info, InboundMessage message) {
    }

    /** Whether the parked message is still there; locks it until the transaction ends. */
    static boolean lockParked(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM es_inbound_parked WHERE id = ? FOR UPDATE")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static boolean deleteParked(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM es_inbound_parked WHERE id = ?")) {
            ps.setLong(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    static void recordFailedRetry(Connection c, long id, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE es_inbound_parked "
                + "SET error = ?, attempts = attempts + 1, last_attempt_at = now() WHERE id = ?")) {
            ps.setString(1, error);
            ps.setLong(2, id);
            ps.executeUpdate();
        }
    }

    private static ParkedMessage parkedMessage(ResultSet rs) throws SQLException {
        byte[] value = rs.getBytes(8);
        Map<String, String> headers = new LinkedHashMap<>();
        try (var reader = Json.createReader(new StringReader(rs.getString(9)))) {
            JsonObject json = reader.readObject();
            json.forEach((k, v) -> headers.put(k, ((JsonString) v).getString()));
        }
        return new ParkedMessage(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                rs.getLong(6), rs.getString(7), value == null ? null : new String(value, StandardCharsets.UTF_8),
                headers, rs.getString(10), rs.getInt(11), rs.getTimestamp(12).toInstant(),
                rs.getTimestamp(13).toInstant());
    }
}
