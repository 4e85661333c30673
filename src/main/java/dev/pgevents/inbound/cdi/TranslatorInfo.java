package dev.pgevents.inbound.cdi;

import java.util.List;

/**
 * A translator on this node: its consumer group and topics, the consumer's status (RUNNING,
 * WAITING_FOR_DATABASE, STOPPED, STARTING) and the last error it met.
 */
public record TranslatorInfo(String name, String group, List<String> topics, String status, String lastError) {
}
