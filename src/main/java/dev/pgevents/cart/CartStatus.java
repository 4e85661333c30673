package dev.pgevents.cart;

/** Where a cart is in its life; {@link #label()} is its name in the API. */
public enum CartStatus {
    OPEN("open"), SUBMITTED("submitted"), PUBLISHED("published"), PUBLICATION_FAILED("publication-failed");

    private final String label;

    CartStatus(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
