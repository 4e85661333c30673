package dev.pgevents.dcbapi;

import java.util.List;
import java.util.UUID;

/**
 * One event of an append request, validated: its id, type, the version of its payload's shape
 * (null when the request names none: see {@link KnownTypes#version}), distinct tags (in request
 * order), the JSONB payload text and whether {@code data} was a plain string (stored as a JSON
 * string and marked in the metadata, see {@link DataCodec}).
 */
public record DcbEvent(UUID id, String type, Integer version, List<String> tags, String payload, boolean text) {
}
