package dev.pgevents.cdc;

/** The kind of row change a {@link ChangeEvent} carries. */
public enum Operation {
    INSERT, UPDATE, DELETE
}
