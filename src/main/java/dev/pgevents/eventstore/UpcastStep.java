package dev.pgevents.eventstore;

import jakarta.json.JsonObject;
import java.util.function.UnaryOperator;

/** An {@link Upcaster} from a function: {@link Upcaster#of} and {@link Upcaster#renaming}. */
record UpcastStep(String type, int fromVersion, String toType, UnaryOperator<JsonObject> step) implements Upcaster {

    UpcastStep {
        if (step == null) {
            throw new InvalidInputException("the upcaster of " + type + " version " + fromVersion + " has no function");
        }
    }

    @Override
    public JsonObject upcast(JsonObject payload) {
        return step.apply(payload);
    }
}
