package dev.pgevents.processor;

import java.time.Instant;

/**
 * A task as its handler sees it.
 *
 * @param id                 the task's id (the admin API's {@code /api/admin/tasks/{id}})
 * @param type               names the handler ({@link TaskHandler#type()})
 * @param arguments          JSON text, as enqueued
 * @param triggeringPosition the position of the event that caused it; with the type, the task's
 *                           idempotency key (a dedupe key for whatever the handler sends elsewhere)
 * @param attempt            this attempt's number, from 1
 * @param enqueuedAt         when the enqueueing transaction started (database time)
 */
public record Task(long id, String type, String arguments, long triggeringPosition, int attempt, Instant enqueuedAt) {
}
