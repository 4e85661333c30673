package dev.pgevents.it.dcb;

import static dev.pgevents.it.dcb.DcbApiIT.assertProblem;
import static dev.pgevents.it.dcb.DcbApiIT.tags;
import static dev.pgevents.it.dcb.DcbApiIT.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The version of an event's shape over HTTP: stored as appended (or defaulted), shown beside the type on read. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DcbVersionIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return DcbDeployments.withApi(false);
    }

    @ArquillianResource
    URL base;

    @Test
    void aReadShowsTheStoredVersionOfEveryEvent() {
        DcbClient dcb = new DcbClient(base, "eventstore", "eventstore");
        String p = "v" + UUID.randomUUID().toString().substring(0, 8) + "-";
        dcb.appendOk("{\"events\":[{\"type\":\"" + p + "Foreign\",\"version\":7,\"data\":\"{}\"},"
                + "{\"type\":\"" + p + "Foreign\",\"data\":\"{}\"}]}");
        JsonArray foreign = dcb.events(types(p + "Foreign"), null);
        assertEquals(List.of(7, 1), foreign.getValuesAs(JsonObject.class).stream().map(e -> e.getInt("version")).toList());

        // an application type without a version gets its current one (the courses events are at 1)
        String course = "course:" + p + "c1";
        dcb.appendOk("{\"events\":[{\"type\":\"CourseDefined\",\"tags\":[\"" + course
                + "\"],\"data\":\"{\\\"courseId\\\":\\\"" + p + "c1\\\",\\\"name\\\":\\\"N\\\",\\\"capacity\\\":3}\"}]}");
        JsonObject defined = dcb.events(tags(course), null).getJsonObject(0);
        assertEquals("CourseDefined", defined.getString("type"));
        assertEquals(1, defined.getInt("version"));

        HttpResponse<String> newer = dcb.append("{\"events\":[{\"type\":\"CourseDefined\",\"version\":2,\"tags\":[\"" + course
                + "\"],\"data\":\"{\\\"courseId\\\":\\\"" + p + "c1\\\",\\\"name\\\":\\\"N\\\",\\\"capacity\\\":3}\"}]}");
        assertProblem(400, newer);
        assertTrue(newer.body().contains("version 2 of event type 'CourseDefined' is not one this application reads"),
                newer.body());
        assertEquals(1, dcb.events(tags(course), null).size(), "nothing was appended");
    }
}
