package dev.pgevents.cdc;

import jakarta.json.Json;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.UUID;

/**
 * Column values from their text form to Java, by the column's type: int2/int4 Integer, int8 Long,
 * float4/float8 Double, numeric BigDecimal, bool Boolean, timestamp LocalDateTime, timestamptz
 * OffsetDateTime, date LocalDate, uuid UUID, json/jsonb a {@code jakarta.json.JsonValue}; any
 * other type, and values Java cannot hold (infinity dates, NaN numerics), the text itself.
 */
final class ColumnValues {

    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE).appendLiteral(' ').appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();
    private static final DateTimeFormatter TIMESTAMPTZ = new DateTimeFormatterBuilder()
            .append(TIMESTAMP).appendPattern("[XXXXX][XXX][X]").toFormatter();

    private ColumnValues() {
    }

    static Object typed(int typeOid, String text) {
        try {
            return switch (typeOid) {
                case 16 -> "t".equals(text);
                case 21, 23 -> Integer.valueOf(text);
                case 20 -> Long.valueOf(text);
                case 700, 701 -> Double.valueOf(text);
                case 1700 -> new BigDecimal(text);
                case 1114 -> LocalDateTime.parse(text, TIMESTAMP);
                case 1184 -> OffsetDateTime.parse(text, TIMESTAMPTZ);
                case 1082 -> LocalDate.parse(text);
                case 2950 -> UUID.fromString(text);
                case 114, 3802 -> Json.createReader(new StringReader(text)).readValue();
                default -> text;
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            return text;
        }
    }
}
