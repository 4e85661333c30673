package dev.pgevents.cdc;

/**
 * A CDI bean that keeps a table derived from other tables' changes in the write-ahead log. The
 * CDC runtime finds every such bean and applies each source transaction to it, in commit order,
 * in a transaction of its own that also records the operator's applied LSN (docs/cdc.md).
 */
public interface ChangeOperator {

    /** What the operator watches and runs; built once with {@link OperatorDefinition#named}. */
    OperatorDefinition definition();
}
