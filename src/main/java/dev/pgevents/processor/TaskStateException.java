package dev.pgevents.processor;

/** An operation that the task's status does not allow (e.g. deleting a running task). */
public class TaskStateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TaskStateException(String message) {
        super(message);
    }
}
