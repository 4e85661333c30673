package dev.pgevents.dcbapi;

/** Input the /dcb API rejects (400 unless said otherwise); nothing was read or written. */
public class DcbBadRequest extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public DcbBadRequest(String message) {
        this(400, message);
    }

    public DcbBadRequest(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
