package dev.pgevents.http;

/** The request is malformed or a field is invalid: a 400 whose detail is this message. */
public class BadRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BadRequestException(String message) {
        super(message);
    }
}
