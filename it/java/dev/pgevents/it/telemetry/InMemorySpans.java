package dev.pgevents.it.telemetry;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A span exporter that keeps the spans in memory, for tests running inside the deployment.
 * Liberty's MicroProfile Telemetry builds the application's OpenTelemetry SDK with the
 * application's class loader, so this provider (registered in META-INF/services) is found by its
 * name when the deployment configures {@code otel.traces.exporter=in-memory}.
 */
public class InMemorySpans implements SpanExporter {

    private static final List<SpanData> SPANS = new CopyOnWriteArrayList<>();

    public static List<SpanData> spans() {
        return List.copyOf(SPANS);
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        SPANS.addAll(spans);
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }

    /** The SPI entry: {@code otel.traces.exporter=in-memory}. */
    public static class Provider implements ConfigurableSpanExporterProvider {

        @Override
        public SpanExporter createExporter(ConfigProperties config) {
            return new InMemorySpans();
        }

        @Override
        public String getName() {
            return "in-memory";
        }
    }
}
