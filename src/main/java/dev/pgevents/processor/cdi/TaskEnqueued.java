package dev.pgevents.processor.cdi;

/** A task of this type was enqueued (fired in the enqueueing transaction; observed after its commit). */
public record TaskEnqueued(String type) {
}
