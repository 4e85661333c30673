package dev.pgevents.telemetry;

/** A span of the framework's own work, current on its thread until closed. A no-op when tracing is off. */
public interface TraceSpan extends AutoCloseable {

    TraceSpan NONE = new TraceSpan() {
        @Override
        public TraceSpan attribute(String key, long value) {
            return this;
        }

        @Override
        public TraceSpan attribute(String key, String value) {
            return this;
        }

        @Override
        public void failed(Throwable error) {
        }

        @Override
        public void close() {
        }
    };

    TraceSpan attribute(String key, long value);

    TraceSpan attribute(String key, String value);

    /** Marks the span as failed (status ERROR, the exception recorded). */
    void failed(Throwable error);

    @Override
    void close();
}
