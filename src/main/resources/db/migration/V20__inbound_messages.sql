-- Inbound translators (Kafka messages turned into commands). See docs/integration.md.

-- The source of truth of what was consumed: per consumer group and partition, the offset of the
-- last message whose effect (events, or a parked row) committed. Written in the same transaction
-- as that effect; a message at or below it is a redelivery and changes nothing.
CREATE TABLE es_inbound_offset (
    consumer_group  text        NOT NULL CHECK (length(consumer_group) BETWEEN 1 AND 255),
    topic           text        NOT NULL CHECK (length(topic) BETWEEN 1 AND 255),
    kafka_partition integer     NOT NULL CHECK (kafka_partition >= 0),
    last_offset     bigint      NOT NULL CHECK (last_offset >= 0),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, topic, kafka_partition)
);

-- Dead letters: messages that could not become a command (not JSON, wrong shape) or whose
-- command was rejected, kept with the raw message until an operator retries or deletes them.
CREATE TABLE es_inbound_parked (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    translator      text        NOT NULL,
    consumer_group  text        NOT NULL,
    topic           text        NOT NULL,
    kafka_partition integer     NOT NULL,
    kafka_offset    bigint      NOT NULL,
    message_key     text,
    message_value   bytea,
    headers         jsonb       NOT NULL DEFAULT '{}',
    error           text        NOT NULL,
    attempts        integer     NOT NULL DEFAULT 1,
    parked_at       timestamptz NOT NULL DEFAULT now(),
    last_attempt_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (consumer_group, topic, kafka_partition, kafka_offset)
);
