package dev.pgevents.listener.cdi;

/**
 * CDI event fired on this node when the LISTEN connection reports appends of another node (or
 * reconnected, when appends may have been missed): a wake-up for anything that follows the store
 * on this node besides the listeners (live subscriptions). Carries no data: the events always come
 * from the store.
 */
public record AppendedElsewhere() {
}
