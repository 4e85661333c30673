package dev.pgevents.processor;

/** No task with this id exists. */
public class TaskNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TaskNotFoundException(long id) {
        super("no task with id " + id);
    }
}
