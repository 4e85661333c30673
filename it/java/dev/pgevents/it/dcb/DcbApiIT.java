package dev.pgevents.it.dcb;

import static dev.pgevents.it.dcb.DcbClient.json;
import static dev.pgevents.it.dcb.DcbClient.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pgevents.it.Http;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The /dcb API enabled with authentication (the production setting): access control (a Basic
 * login leaves no cookie that alone authenticates, here and on the admin API), every request and
 * answer shape, every option, every bad input. Each test works on types and tags of
 * its own (a random prefix), so it is independent of what else the IT database holds.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DcbApiIT {

    private static final HttpClient COOKIE_CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return DcbDeployments.withApi(false);
    }

    @ArquillianResource
    URL base;

    DcbClient dcb;
    String p;

    @BeforeEach
    void setUp() {
        dcb = new DcbClient(base, "eventstore", "eventstore");
        p = "t" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    // ------------------------------------------------------------------------------- access

    @Test
    void withoutCredentialsEveryDcbPathIs401WithABasicChallenge() {
        DcbClient nobody = DcbClient.anonymous(base);
        Http raw = new Http(base).serverRoot();
        String all = "read?query=%7B%22items%22%3A%5B%5D%7D";
        for (HttpResponse<String> r : List.of(nobody.read(all(), null), nobody.append(one(p + "A", "x")),
                nobody.get("no-such-thing"), nobody.post("append", "text/plain", "x"),
                // the same routes spelled with a matrix parameter or an escaped letter
                raw.get("dcb;x=1/" + all), raw.get("%64cb/" + all))) {
            assertProblem(401, r);
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm=\"pgevents\""),
                    r.headers().map().toString());
        }
        assertEquals(0, dcb.events(types(p + "A"), null).size(), "nothing was appended");
    }

    @Test
    void readShowsTheCorrelationAndCausationOfAnEventACommandAppended() {
        String course = p + "course";
        HttpResponse<String> defined = DcbClient.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "api/courses"))
                .header("Content-Type", "application/json").header("Correlation-Id", p + "request")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"courseId\":\"" + course
                        + "\",\"name\":\"Traced\",\"capacity\":1}")).build());
        assertEquals(201, defined.statusCode(), defined.body());
        assertEquals(p + "request", defined.headers().firstValue("Correlation-Id").orElse(null));
        JsonObject event = dcb.events(tags("course:" + course), null).getJsonObject(0);
        assertEquals(p + "request", event.getString("correlationId"));
        assertEquals(defined.headers().firstValue("Command-Id").orElseThrow(), event.getString("causationId"));
    }

    @Test
    void anAppendStoresTheRequestsCorrelationAndCommandIdWithEveryEvent() {
        HttpResponse<String> appended = dcb.append("{\"events\":[" + ev(p + "C", "text data") + "," + ev(p + "C", "second") + "]}",
                p + "append-request");
        assertEquals(200, appended.statusCode(), appended.body());
        List<JsonValue> events = dcb.events(types(p + "C"), null);
        assertEquals(List.of("text data", "second"), datas(events), "text data still reads back unchanged");
        for (JsonValue event : events) {
            assertEquals(p + "append-request", event.asJsonObject().getString("correlationId"));
            assertEquals(appended.headers().firstValue("Command-Id").orElseThrow(), event.asJsonObject().getString("causationId"));
        }
    }

    @Test
    void wrongCredentialsAre401() {
        assertProblem(401, dcb.as("eventstore", "wrong").read(all(), null));
        assertProblem(401, dcb.as("nobody", "eventstore").append(one(p + "A", "x")));
        assertProblem(401, DcbClient.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "dcb/read?query=%7B%7D"))
                .header("Authorization", "Basic !!!not-base64").GET().build()));
        assertEquals(0, dcb.events(types(p + "A"), null).size());
    }

    @Test
    void aUserWithoutTheEventStoreRoleIs403() {
        DcbClient admin = dcb.as("admin", "admin");
        HttpResponse<String> r = admin.read(all(), null);
        assertProblem(403, r);
        assertTrue(r.body().contains("pgevents-eventstore"), r.body());
        assertProblem(403, admin.append(one(p + "A", "x")));
        assertEquals(0, dcb.events(types(p + "A"), null).size());
    }

    @Test
    void aUserInTheEventStoreGroupHasTheRoleWithoutABindingFile() {
        assertEquals(200, dcb.read(types(p + "A"), null).statusCode());
        dcb.appendOk(one(p + "A", "x"));
    }

    // ------------------------------------------------------------------------------- cookies

    /*
     * Cross-site request forgery: a Basic login must not leave a cookie that alone authenticates a
     * state-changing request (a foreign site's form makes a browser send cookies, never credentials),
     * on /dcb and on the admin API alike.
     */

    @Test
    void anAdminPostWithOnlyTheCookiesOfABasicLoginIsUnauthorized() throws Exception {
        assertCookiesAloneAreUnauthorized("admin", "admin", "api/admin/listeners/no-such-listener/pause", "", 404);
    }

    @Test
    void aDcbAppendWithOnlyTheCookiesOfABasicLoginIsUnauthorized() throws Exception {
        assertCookiesAloneAreUnauthorized("eventstore", "eventstore", "dcb/append", "{\"events\":[]}", 400);
    }

    private void assertCookiesAloneAreUnauthorized(
            String user, String password, String path, String body, int authenticatedStatus) throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> login = COOKIE_CLIENT.send(cookiePost(path, body).header("Authorization", basic).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(authenticatedStatus, login.statusCode(), login.body());
        List<String> setCookies = login.headers().allValues("Set-Cookie");
        assertFalse(setCookies.stream().anyMatch(c -> c.startsWith("LtpaToken2=")), "no single sign-on cookie: " + setCookies);

        String cookies = setCookies.stream().map(c -> c.split(";", 2)[0]).collect(Collectors.joining("; "));
        HttpRequest.Builder forged = cookiePost(path, body);
        if (!cookies.isEmpty()) {
            forged.header("Cookie", cookies);
        }
        HttpResponse<String> answer = COOKIE_CLIENT.send(forged.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, answer.statusCode(), "cookies " + setCookies + " authenticated: " + answer.body());
    }

    private HttpRequest.Builder cookiePost(String path, String body) {
        return HttpRequest.newBuilder(URI.create(base.toString()).resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    // ------------------------------------------------------------------------------- shapes

    @Test
    void appendedEventsReadBackWithTypeTagsDataPositionAndId() {
        JsonObject answer = dcb.appended("{\"events\":[{\"type\":\"" + p + "Registered\",\"tags\":[\"" + p + "course:c1\",\""
                + p + "student:s1\"],\"data\":\"{\\\"name\\\": \\\"Ada\\\", \\\"n\\\": 1}\"}]}");
        assertFalse(answer.getBoolean("appendConditionFailed"));
        assertTrue(answer.getJsonNumber("durationInMicroseconds").longValue() > 0, answer.toString());
        assertEquals(2, answer.size(), "exactly the two fields of the suite's adapter: " + answer);

        JsonArray read = dcb.events(types(p + "Registered"), null);
        assertEquals(1, read.size());
        JsonObject e = read.getJsonObject(0);
        assertEquals(p + "Registered", e.getString("type"));
        assertEquals(List.of(p + "course:c1", p + "student:s1"), strings(e.getJsonArray("tags")));
        assertEquals(json("{\"name\":\"Ada\",\"n\":1}"), json(e.getString("data")), "equivalent JSON");
        assertTrue(e.getJsonNumber("position").longValue() > 0);
        UUID.fromString(e.getString("id"));
        assertTrue(e.containsKey("recordedAt"));
    }

    @Test
    void dataThatIsNotJsonReadsBackUnchangedAndJsonDocumentsReadBackEquivalent() {
        Map<String, String> texts = new LinkedHashMap<>();
        // data -> expected data read back (null: equivalent JSON)
        texts.put("plain text", "plain text");
        texts.put("", "");
        texts.put("  {not json", "  {not json");
        texts.put("{\"a\":1} trailing", "{\"a\":1} trailing");
        texts.put("\"a JSON string\"", "\"a JSON string\"");
        texts.put("42", "42");
        texts.put("true", "true");
        texts.put("null", "null");
        texts.put("[1, 2, 3]", null);
        texts.put("{\"nested\":{\"list\":[1,\"two\",{\"three\":3.5}]},\"x\":null}", null);
        texts.put("{\"a\":\"\\u0000\"}", "{\"a\":\"\\u0000\"}"); // JSON that jsonb refuses: stored as text
        texts.put("emoji \uD83D\uDE00 and accents éà", "emoji \uD83D\uDE00 and accents éà");
        texts.put("line\nbreak\ttab \"quotes\" \\ backslash", "line\nbreak\ttab \"quotes\" \\ backslash");
        StringBuilder body = new StringBuilder("{\"events\":[");
        List<String> inputs = new ArrayList<>(texts.keySet());
        for (int i = 0; i < inputs.size(); i++) {
            body.append(i == 0 ? "" : ",").append("{\"type\":\"").append(p).append("D\",\"tags\":[\"")
                    .append(p).append("i:").append(i).append("\"],\"data\":").append(str(inputs.get(i))).append('}');
        }
        dcb.appendOk(body.append("]}").toString());
        JsonArray read = dcb.events(types(p + "D"), null);
        assertEquals(inputs.size(), read.size());
        for (int i = 0; i < inputs.size(); i++) {
            String in = inputs.get(i);
            String out = read.getJsonObject(i).getString("data");
            String expected = texts.get(in);
            if (expected == null) {
                assertEquals(json(in), json(out), "equivalent JSON for " + in);
            } else {
                assertEquals(expected, out, "unchanged: " + in);
            }
        }
    }

    @Test
    void absentDataIsTheEmptyStringAndAbsentTagsAreNone() {
        dcb.appendOk("{\"events\":[{\"type\":\"" + p + "A\"}]}");
        JsonObject e = dcb.events(types(p + "A"), null).getJsonObject(0);
        assertEquals("", e.getString("data"));
        assertEquals(0, e.getJsonArray("tags").size());
    }

    @Test
    void aClientIdIsKeptAndADuplicateIdIsAConflictThatAppendsNothing() {
        String id = UUID.randomUUID().toString();
        dcb.appendOk("{\"events\":[{\"id\":\"" + id + "\",\"type\":\"" + p + "A\",\"data\":\"1\"}]}");
        assertEquals(id, dcb.events(types(p + "A"), null).getJsonObject(0).getString("id"));
        HttpResponse<String> again = dcb.append("{\"events\":[{\"type\":\"" + p + "B\",\"data\":\"1\"},{\"id\":\"" + id
                + "\",\"type\":\"" + p + "A\",\"data\":\"2\"}]}");
        assertProblem(409, again);
        assertEquals(0, dcb.events(types(p + "B"), null).size(), "the batch appended nothing");
        assertEquals(1, dcb.events(types(p + "A"), null).size());
    }

    @Test
    void aBatchIsAppendedInRequestOrderAndDuplicateTagsCountOnce() {
        dcb.appendOk("{\"events\":[" + ev(p + "A", "1", p + "x", p + "x", p + "y") + "," + ev(p + "B", "2") + ","
                + ev(p + "A", "3", p + "y") + "]}");
        JsonArray read = dcb.events(types(p + "A", p + "B"), null);
        assertEquals(List.of("1", "2", "3"), datas(read));
        assertEquals(List.of(p + "x", p + "y"), strings(read.getJsonObject(0).getJsonArray("tags")));
        long p0 = pos(read, 0);
        long p1 = pos(read, 1);
        long p2 = pos(read, 2);
        assertTrue(p0 < p1 && p1 < p2, read.toString());
    }

    // -------------------------------------------------------------------------------- query

    @Test
    void queryItemsMatchAnyOfTheirTypesAndAllOfTheirTagsAndItemsAreOred() {
        dcb.appendOk("{\"events\":[" + ev(p + "A", "a-xy", p + "x", p + "y") + "," + ev(p + "A", "a-x", p + "x") + ","
                + ev(p + "B", "b-y", p + "y") + "," + ev(p + "C", "c") + "]}");
        assertEquals(List.of("a-xy", "a-x", "b-y"), datas(dcb.events(types(p + "A", p + "B"), null)));
        assertEquals(List.of("a-xy", "a-x"), datas(dcb.events(tags(p + "x"), null)));
        assertEquals(List.of("a-xy"), datas(dcb.events(tags(p + "x", p + "y"), null)));
        assertEquals(List.of("a-xy", "b-y"), datas(dcb.events(
                "{\"items\":[{\"types\":[\"" + p + "A\",\"" + p + "B\"],\"tags\":[\"" + p + "y\"]}]}", null)));
        assertEquals(List.of("a-xy", "a-x", "c"), datas(dcb.events(
                "{\"items\":[{\"types\":[\"" + p + "C\"]},{\"types\":[\"" + p + "A\"],\"tags\":[\"" + p + "x\"]}]}", null)));
        assertEquals(List.of("a-xy", "a-x", "c"), datas(dcb.events(
                "{\"items\":[{\"types\":[\"" + p + "C\"]},{\"tags\":[\"" + p + "x\"]}]}", null)));
        assertEquals(List.of(), datas(dcb.events(types(p + "Nothing"), null)));
        // explicit nulls and empty lists mean "any"; an item with neither matches every event
        assertEquals(List.of("a-xy", "a-x"), datas(dcb.events(
                "{\"items\":[{\"types\":null,\"tags\":[\"" + p + "x\"]}]}", null)));
        assertEquals(List.of("a-xy", "b-y"), datas(dcb.events(
                "{\"items\":[{\"types\":[],\"tags\":[\"" + p + "y\"]}]}", null)));
    }

    @Test
    void theAllQueryAndAnEmptyItemMatchEveryEvent() {
        dcb.appendOk("{\"events\":[" + ev(p + "A", "1") + "," + ev(p + "B", "2", p + "t") + "]}");
        long first = pos(dcb.events(types(p + "A"), null), 0);
        String from = "{\"from\":" + first + "}";
        // other tests may append concurrently in a shared database: ours are the first two from there
        for (String q : List.of(all(), "{\"items\":[{}]}", "{\"items\":[{\"types\":[],\"tags\":[]}]}")) {
            JsonArray read = dcb.events(q, from);
            assertEquals(List.of("1", "2"), datas(read).subList(0, 2), q);
            assertEquals(first, pos(read, 0));
        }
    }

    // ------------------------------------------------------------------------------ options

    @Test
    void fromIsInclusiveLimitCapsAndBackwardsReadsNewestFirstFromItsFromDown() {
        StringBuilder body = new StringBuilder("{\"events\":[");
        for (int i = 1; i <= 5; i++) {
            body.append(i == 1 ? "" : ",").append(ev(p + "A", String.valueOf(i)));
        }
        dcb.appendOk(body.append("]}").toString());
        String q = types(p + "A");
        JsonArray allFive = dcb.events(q, null);
        assertEquals(List.of("1", "2", "3", "4", "5"), datas(allFive));
        long third = pos(allFive, 2);

        assertEquals(List.of("3", "4", "5"), datas(dcb.events(q, "{\"from\":" + third + "}")));
        assertEquals(List.of("4", "5"), datas(dcb.events(q, "{\"from\":" + (third + 1) + "}")));
        assertEquals(List.of("1", "2"), datas(dcb.events(q, "{\"limit\":2}")));
        assertEquals(List.of("3", "4"), datas(dcb.events(q, "{\"from\":" + third + ",\"limit\":2}")));
        assertEquals(List.of("5", "4", "3", "2", "1"), datas(dcb.events(q, "{\"backwards\":true}")));
        assertEquals(List.of("5"), datas(dcb.events(q, "{\"backwards\":true,\"limit\":1}")));
        assertEquals(List.of("3", "2", "1"), datas(dcb.events(q, "{\"backwards\":true,\"from\":" + third + "}")));
        assertEquals(List.of("3", "2"), datas(dcb.events(q, "{\"backwards\":true,\"from\":" + third + ",\"limit\":2}")));
        assertEquals(List.of("1", "2", "3", "4", "5"), datas(dcb.events(q, "{\"backwards\":false,\"from\":0}")));
        assertEquals(List.of(), datas(dcb.events(q, "{\"backwards\":true,\"from\":0}")));
        assertEquals(List.of(), datas(dcb.events(q, "{\"limit\":0}")));
        assertEquals(List.of(), datas(dcb.events(q, "{\"from\":" + Long.MAX_VALUE + "}")));
        assertEquals(List.of("1", "2", "3", "4", "5"), datas(dcb.events(q, "{\"limit\":" + Long.MAX_VALUE + "}")));
        assertEquals(List.of("1", "2", "3", "4", "5"), datas(dcb.events(q, "{}")));
        assertEquals(List.of("1", "2", "3", "4", "5"), datas(dcb.events(q, "{\"from\":null,\"limit\":null,\"backwards\":null}")));
    }

    // ---------------------------------------------------------------------------- condition

    @Test
    void aConditionWithoutAfterFailsIfAnyMatchingEventExists() {
        String cond = ",\"condition\":{\"failIfEventsMatch\":" + tags(p + "email:a") + "}";
        assertFalse(dcb.appended("{\"events\":[" + ev(p + "Registered", "1", p + "email:a") + "]" + cond + "}")
                .getBoolean("appendConditionFailed"));
        JsonObject second = dcb.appended("{\"events\":[" + ev(p + "Registered", "2", p + "email:a") + ","
                + ev(p + "Other", "3") + "]" + cond + "}");
        assertTrue(second.getBoolean("appendConditionFailed"));
        assertEquals(List.of("1"), datas(dcb.events(types(p + "Registered", p + "Other"), null)), "nothing of the batch");
        // after = 0 is the same as absent
        assertTrue(dcb.appended("{\"events\":[" + ev(p + "Registered", "4") + "],\"condition\":{\"failIfEventsMatch\":"
                + tags(p + "email:a") + ",\"after\":0}}").getBoolean("appendConditionFailed"));
        // a condition on a query nothing matches holds
        dcb.appendOk("{\"events\":[" + ev(p + "Registered", "5") + "],\"condition\":{\"failIfEventsMatch\":"
                + tags(p + "email:b") + ",\"after\":null}}");
    }

    @Test
    void aConditionWithAfterFailsOnlyForMatchingEventsAfterIt() {
        dcb.appendOk("{\"events\":[" + ev(p + "A", "1", p + "k") + "]}");
        long last = pos(dcb.events(tags(p + "k"), "{\"backwards\":true,\"limit\":1}"), 0);
        String cond = ",\"condition\":{\"failIfEventsMatch\":" + tags(p + "k") + ",\"after\":" + last + "}";
        dcb.appendOk("{\"events\":[" + ev(p + "A", "2", p + "k") + "]" + cond + "}");
        assertTrue(dcb.appended("{\"events\":[" + ev(p + "A", "3", p + "k") + "]" + cond + "}")
                .getBoolean("appendConditionFailed"), "event 2 matches after the position");
        // events not matching the condition's query do not make it fail
        String other = ",\"condition\":{\"failIfEventsMatch\":" + types(p + "B") + ",\"after\":" + last + "}";
        dcb.appendOk("{\"events\":[" + ev(p + "A", "4", p + "k") + "]" + other + "}");
        assertEquals(List.of("1", "2", "4"), datas(dcb.events(tags(p + "k"), null)));
    }

    // ---------------------------------------------------------------------------- streaming

    @Test
    void aLargeReadIsStreamedChunkedInPositionOrder() {
        int batches = 4;
        int perBatch = 5_000;
        String pad = "x".repeat(100);
        for (int b = 0; b < batches; b++) {
            StringBuilder body = new StringBuilder(perBatch * 200).append("{\"events\":[");
            for (int i = 0; i < perBatch; i++) {
                body.append(i == 0 ? "" : ",").append("{\"type\":\"").append(p).append("Big\",\"tags\":[\"").append(p)
                        .append("b:").append(b).append("\"],\"data\":\"{\\\"i\\\":").append(b * perBatch + i)
                        .append(",\\\"pad\\\":\\\"").append(pad).append("\\\"}\"}");
            }
            dcb.appendOk(body.append("]}").toString());
        }
        HttpResponse<String> r = dcb.read(types(p + "Big"), null);
        assertEquals(200, r.statusCode());
        assertEquals("chunked", r.headers().firstValue("Transfer-Encoding").orElse(""), "streamed, length unknown up front: " + r.headers().map());
        assertTrue(r.headers().firstValue("Content-Length").isEmpty());
        JsonArray read = json(r.body()).asJsonArray();
        assertEquals(batches * perBatch, read.size());
        long previous = 0;
        for (int i = 0; i < read.size(); i++) {
            JsonObject e = read.getJsonObject(i);
            assertTrue(e.getJsonNumber("position").longValue() > previous);
            previous = e.getJsonNumber("position").longValue();
            assertEquals(i, json(e.getString("data")).asJsonObject().getInt("i"));
        }
    }

    // ---------------------------------------------------------------------------- bad input

    @Test
    void badReadParametersAre400Problems() {
        String q = types(p + "A");
        List<String[]> cases = List.of(
                new String[] {null, null},
                new String[] {"", null},
                new String[] {"not json", null},
                new String[] {"{\"items\":[]} trailing", null},
                new String[] {"[]", null},
                new String[] {"{}", null},
                new String[] {"{\"items\":{}}", null},
                new String[] {"{\"items\":[1]}", null},
                new String[] {"{\"items\":[{\"types\":\"A\"}]}", null},
                new String[] {"{\"items\":[{\"types\":[1]}]}", null},
                new String[] {"{\"items\":[{\"types\":[\"\"]}]}", null},
                new String[] {"{\"items\":[{\"tags\":[\" \"]}]}", null},
                new String[] {"{\"items\":[{\"tags\":[null]}]}", null},
                new String[] {"{\"items\":[{\"tags\":[\"" + "t".repeat(257) + "\"]}]}", null},
                new String[] {"{\"items\":[{\"types\":[\"" + "t".repeat(257) + "\"]}]}", null},
                new String[] {"{\"items\":[{\"typo\":[\"A\"]}]}", null},
                new String[] {"{\"items\":[],\"extra\":1}", null},
                new String[] {"{\"items\":[" + "{\"types\":[\"A\"]},".repeat(256) + "{\"types\":[\"A\"]}]}", null},
                new String[] {q, "not json"},
                new String[] {q, "[]"},
                new String[] {q, "{\"from\":-1}"},
                new String[] {q, "{\"limit\":-1}"},
                new String[] {q, "{\"from\":1.5}"},
                new String[] {q, "{\"from\":\"1\"}"},
                new String[] {q, "{\"from\":99999999999999999999}"},
                new String[] {q, "{\"backwards\":\"yes\"}"},
                new String[] {q, "{\"after\":1}"});
        for (String[] c : cases) {
            HttpResponse<String> r = dcb.read(c[0], c[1]);
            assertProblem(400, r);
        }
    }

    @Test
    void badAppendBodiesAre400ProblemsAndAppendNothing() {
        String ok = ev(p + "A", "fine", p + "marker");
        String t257 = "t".repeat(257);
        StringBuilder tags65 = new StringBuilder();
        for (int i = 0; i < 65; i++) {
            tags65.append(i == 0 ? "" : ",").append("\"").append(p).append(i).append("\"");
        }
        List<String> bodies = List.of(
                "",
                "not json",
                "{\"events\":[" + ok + "]} trailing",
                "[]",
                "{}",
                "{\"events\":null}",
                "{\"events\":{}}",
                "{\"events\":[]}",
                "{\"events\":[" + ok + ",1]}",
                "{\"events\":[" + ok + ",{\"tags\":[],\"data\":\"x\"}]}",
                "{\"events\":[" + ok + ",{\"type\":null}]}",
                "{\"events\":[" + ok + ",{\"type\":\"\"}]}",
                "{\"events\":[" + ok + ",{\"type\":\"   \"}]}",
                "{\"events\":[" + ok + ",{\"type\":7}]}",
                "{\"events\":[" + ok + ",{\"type\":\"" + t257 + "\"}]}",
                "{\"events\":[" + ok + ",{\"type\":\"A\",\"tags\":\"x\"}]}",
                "{\"events\":[" + ok + ",{\"type\":\"A\",\"tags\":[1]}]}",
                "{\"events\":[" + ok + ",{\"type\":\"A\",\"tags\":[true]}]}",
                "{\"events\":[" + ok + ",{\"type\":\"A\",\"tags\":[\"\"]}]}",
                "{\"events\":[" + ok + ",{\"type\":\"A\",\"tags\":[\"" + t257 + "\"]}]}",
                "{\"events\":[" + ok + ",{\"type\":\"A\",\"tags\":[" + tags65 + "]}]}",
                "{\"events\":[" + ok + ",{\"type\":\"A\",\"data\":{\"a\":1}}]}",
                "{\"events\":[" + ok + ",{\"type\":\"A\",\"data\":\"nul \\u0000 char\"}]}",
                "{\"events\":[" + ok + ",{\"type\":\"A\",\"data\":\"lone \\ud800 surrogate\"}]}",
                "{\"events\":[" + ok + ",{\"type\":\"A\\u0000\"}]}",
                "{\"events\":[" + ok + ",{\"type\":\"A\",\"id\":\"not-a-uuid\"}]}",
                "{\"events\":[" + ok + ",{\"type\":\"A\",\"unknown\":1}]}",
                "{\"events\":[" + ok + "],\"condition\":{}}",
                "{\"events\":[" + ok + "],\"condition\":{\"after\":1}}",
                "{\"events\":[" + ok + "],\"condition\":{\"failIfEventsMatch\":{}}}",
                "{\"events\":[" + ok + "],\"condition\":{\"failIfEventsMatch\":{\"items\":[{\"tags\":[1]}]}}}",
                "{\"events\":[" + ok + "],\"condition\":{\"failIfEventsMatch\":{\"items\":[]},\"after\":-1}}",
                "{\"events\":[" + ok + "],\"condition\":{\"failIfEventsMatch\":{\"items\":[]},\"after\":\"3\"}}",
                "{\"events\":[" + ok + "],\"condition\":[]}",
                "{\"events\":[" + ok + "],\"extra\":true}");
        for (String body : bodies) {
            assertProblem(400, dcb.append(body));
        }
        assertEquals(0, dcb.events(tags(p + "marker"), null).size(), "no rejected request appended anything");
    }

    @Test
    void aTypeTheApplicationKnowsMustCarryAPayloadItsClassReads() {
        String course = "course:" + p + "c1";
        // CourseDefined is an event class of the application: a payload it cannot read is refused
        HttpResponse<String> refused = dcb.append("{\"events\":[{\"type\":\"CourseDefined\",\"tags\":[\"" + course
                + "\"],\"data\":\"{\\\"courseId\\\":\\\"c1\\\",\\\"capacity\\\":\\\"many\\\"}\"}]}");
        assertProblem(400, refused);
        assertTrue(refused.body().contains("CourseDefined"), refused.body());
        assertEquals(0, dcb.events(tags(course), null).size(), "nothing was appended");
        dcb.appendOk("{\"events\":[{\"type\":\"CourseDefined\",\"tags\":[\"" + course
                + "\"],\"data\":\"{\\\"courseId\\\":\\\"" + p + "c1\\\",\\\"name\\\":\\\"N\\\",\\\"capacity\\\":3}\"}]}");
        assertEquals(1, dcb.events(tags(course), null).size());
    }

    @Test
    void eventsOfTheApplicationsTypesMustBeWhatItsClassesAcceptAndValidOnesAreProjected() {
        String c = p + "c";
        String s = p + "s";
        String ct = "course:" + c;
        String st = "student:" + s;
        String def = "{\"courseId\":\"" + c + "\",\"name\":\"N\",\"capacity\":";
        // type, data, fragment of the detail, tags
        List<String[]> bad = List.of(
                new String[] {"CourseDefined", "{\"courseId\":5}", "courseId must be a string, not a number", "course:5"},
                new String[] {"CourseDefined", "{\"courseId\":\"" + c + "\",\"capacity\":2}", "name is required", ct},
                new String[] {"CourseDefined", "{\"courseId\":\"" + c + "\",\"name\":\"N\"}", "capacity is required", ct},
                new String[] {"CourseDefined", def + "\"10\"}", "capacity must be an integer, not a string", ct},
                new String[] {"CourseDefined", def + "1.5}", "capacity must be an integer, not 1.5", ct},
                new String[] {"CourseDefined", def + "0}", "capacity must be between 1 and 1000", ct},
                new String[] {"CourseDefined", def + "99999999999}", "capacity must be an integer from", ct},
                new String[] {"CourseDefined", def + "null}", "capacity is required", ct},
                new String[] {"CourseDefined", def + "true}", "capacity must be an integer, not a boolean", ct},
                new String[] {"CourseDefined", "{\"courseId\":\"" + c + "\",\"name\":\"\",\"capacity\":2}", "name must be 1 to 200", ct},
                new String[] {"CourseDefined", "{\"courseId\":\"" + c + "\",\"name\":\" \",\"capacity\":2}", "name must be 1 to 200", ct},
                new String[] {"CourseDefined", "{\"courseId\":\"" + c + "\",\"name\":true,\"capacity\":2}", "name must be a string", ct},
                new String[] {"CourseDefined", "{\"courseId\":\"" + c + "\",\"name\":\"a\\u0001\",\"capacity\":2}",
                    "name must not contain control characters", ct},
                new String[] {"CourseDefined", "{\"courseId\":\"a b\",\"name\":\"N\",\"capacity\":2}", "courseId must be 1 to 64", "course:a b"},
                new String[] {"CourseDefined", "{\"courseId\":\"..\",\"name\":\"N\",\"capacity\":2}", "courseId must be 1 to 64", "course:.."},
                new String[] {"CourseDefined", "{\"courseId\":null,\"name\":\"N\",\"capacity\":2}", "courseId is required", ct},
                new String[] {"CourseDefined", "[]", "must be a JSON object", ct},
                new String[] {"CourseDefined", "null", "must be a JSON object", ct},
                new String[] {"CourseDefined", "not json", "must be a JSON object", ct},
                new String[] {"CourseDefined", def + "2}", "tags must include " + ct, "course:other"},
                new String[] {"CourseRenamed", "{\"courseId\":\"" + c + "\"}", "name is required", ct},
                new String[] {"CourseRenamed", "{\"courseId\":\"" + c + "\",\"name\":5}", "name must be a string", ct},
                new String[] {"CourseCapacityChanged", "{\"courseId\":\"" + c + "\",\"capacity\":\"10\"}", "capacity must be an integer", ct},
                new String[] {"CourseCapacityChanged", "{\"courseId\":\"" + c + "\"}", "capacity is required", ct},
                new String[] {"CourseCapacityChanged", "{\"courseId\":\"" + c + "\",\"capacity\":2000}", "capacity must be between", ct},
                new String[] {"CourseClosed", "{}", "courseId is required", ct},
                new String[] {"CourseClosed", "{\"courseId\":7}", "courseId must be a string", "course:7"},
                new String[] {"StudentRegistered", "{\"studentId\":5,\"name\":\"A\"}", "studentId must be a string", "student:5"},
                new String[] {"StudentRegistered", "{\"studentId\":\"" + s + "\"}", "name is required", st},
                new String[] {"StudentRegistered", "{\"studentId\":\"" + s + "\",\"name\":\"A\"}", "tags must include " + st},
                new String[] {"StudentSubscribed", "{\"courseId\":\"" + c + "\"}", "studentId is required", ct},
                new String[] {"StudentSubscribed", "{\"courseId\":[1],\"studentId\":\"" + s + "\"}", "courseId must be a string", st},
                new String[] {"StudentSubscribed", "{\"courseId\":\"" + c + "\",\"studentId\":\"" + s + "\"}", "tags must include", ct},
                new String[] {"StudentUnsubscribed", "{\"courseId\":\"" + c + "\",\"studentId\":\".\"}", "studentId must be 1 to 64", ct});
        String domain = types("CourseDefined", "CourseRenamed", "CourseCapacityChanged", "CourseClosed", "StudentRegistered",
                "StudentSubscribed", "StudentUnsubscribed");
        int before = dcb.events(domain, null).size();
        for (String[] b : bad) {
            String[] tags = java.util.Arrays.copyOfRange(b, 3, b.length);
            HttpResponse<String> r = dcb.append("{\"events\":[" + ev(b[0], b[1], tags) + "]}");
            assertProblem(400, r);
            String detail = json(r.body()).asJsonObject().getString("detail");
            assertTrue(detail.contains(b[2]) && detail.startsWith("events[0]."), b[0] + " " + b[1] + " -> " + detail);
        }
        assertEquals(before, dcb.events(domain, null).size(), "no malformed event was appended");

        dcb.appendOk("{\"events\":[" + ev("CourseDefined", def + "2}", ct) + ","
                + ev("StudentRegistered", "{\"studentId\":\"" + s + "\",\"name\":\"Ada\"}", st) + ","
                + ev("StudentSubscribed", "{\"courseId\":\"" + c + "\",\"studentId\":\"" + s + "\"}", ct, st) + ","
                + ev("CourseRenamed", "{\"courseId\":\"" + c + "\",\"name\":\"New\"}", ct) + ","
                + ev("CourseCapacityChanged", "{\"courseId\":\"" + c + "\",\"capacity\":3}", ct) + "]}");
        long last = pos(dcb.events(tags(ct), "{\"backwards\":true,\"limit\":1}"), 0);
        Http api = new Http(base);
        HttpResponse<String> course = api.get("api/courses/" + c + "?minPosition=" + last);
        assertEquals(200, course.statusCode(), course.body());
        assertEquals(json("{\"courseId\":\"" + c + "\",\"name\":\"New\",\"capacity\":3,\"availableSeats\":2,\"closed\":false}"),
                json(course.body()));
        HttpResponse<String> student = api.get("api/students/" + s + "?minPosition=" + last);
        assertEquals(200, student.statusCode(), student.body());
        assertEquals(List.of(c), strings(json(student.body()).asJsonObject().getJsonArray("courses")));
    }

    @Test
    void deepNestingAndLongNumbersAre400WithTheirLimitWhereverTheyAre() {
        String deep = "[".repeat(1000) + "]".repeat(1000);
        String ok = ev(p + "A", "x", p + "marker");
        String big = "1" + "0".repeat(1100);
        List<String[]> appends = List.of(
                new String[] {deep, "deeper than 64 levels"},
                new String[] {"{\"events\":[" + ok + "],\"x\":" + deep + "}", "deeper than 64 levels"},
                new String[] {"{\"events\":[" + ev(p + "A", deep, p + "marker") + "]}", "deeper than 64 levels"},
                new String[] {"{\"events\":[" + ok + "],\"condition\":{\"failIfEventsMatch\":" + deep + "}}", "deeper than 64 levels"},
                new String[] {"{\"events\":[" + ok + "],\"condition\":{\"failIfEventsMatch\":{\"items\":[]},\"after\":" + big + "}}",
                    "the limit is 100"},
                new String[] {"{\"events\":[" + ev(p + "A", "{\"n\":" + big + "}", p + "marker") + "]}", "the limit is 100"});
        for (String[] a : appends) {
            HttpResponse<String> r = dcb.append(a[0]);
            assertProblem(400, r);
            assertTrue(r.body().contains(a[1]), r.body());
        }
        for (HttpResponse<String> r : List.of(dcb.read(deep, null), dcb.read(all(), deep),
                dcb.read("{\"items\":[{\"tags\":" + deep + "}]}", null), dcb.read(all(), "{\"from\":" + big + "}"))) {
            assertProblem(400, r);
            assertTrue(r.body().contains("deeper than 64 levels") || r.body().contains("the limit is 100"), r.body());
        }
        assertEquals(0, dcb.events(tags(p + "marker"), null).size());
    }

    @Test
    void tooManyEventsAndTooLargeBodiesAreRejected() {
        StringBuilder many = new StringBuilder("{\"events\":[");
        for (int i = 0; i <= 10_000; i++) {
            many.append(i == 0 ? "" : ",").append("{\"type\":\"").append(p).append("A\"}");
        }
        assertProblem(400, dcb.append(many.append("]}").toString()));
        String huge = "{\"events\":[{\"type\":\"" + p + "A\",\"data\":\"" + "x".repeat(17 * 1024 * 1024) + "\"}]}";
        assertProblem(413, dcb.append(huge));
        assertEquals(0, dcb.events(types(p + "A"), null).size());
    }

    @Test
    void aBodyThatIsNotJsonByContentTypeIs415() {
        String body = "{\"events\":[" + ev(p + "A", "x") + "]}";
        assertProblem(415, dcb.post("append", "text/plain", body));
        assertProblem(415, dcb.post("append", "application/xml", body));
        assertProblem(415, dcb.post("append", "application/x-www-form-urlencoded", body));
        assertProblem(415, dcb.post("append", "application/*", body));
        assertProblem(415, dcb.post("append", "*/*", body));
        assertProblem(415, dcb.post("append", "application/json; charset=iso-8859-1", body));
        HttpResponse<String> none = dcb.post("append", null, body);
        assertProblem(415, none);
        assertEquals(0, dcb.events(types(p + "A"), null).size());
        dcb.appendOk(body.replace("\"x\"", "\"y\"")); // application/json works, with a charset too
        assertEquals(200, dcb.post("append", "application/json; charset=utf-8", body).statusCode());
    }

    @Test
    void headRequestsOfReadsDoNotUseUpTheStreamingSlots() {
        dcb.appendOk(one(p + "H", "x"));
        java.net.URI uri = java.net.URI.create(base.toString()).resolve("/dcb/read?query="
                + java.net.URLEncoder.encode(types(p + "H"), java.nio.charset.StandardCharsets.UTF_8));
        for (int i = 0; i < 12; i++) { // more than the 8 slots
            HttpResponse<String> head = DcbClient.send(java.net.http.HttpRequest.newBuilder(uri)
                    .method("HEAD", java.net.http.HttpRequest.BodyPublishers.noBody())
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder()
                            .encodeToString("eventstore:eventstore".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .build());
            assertEquals(200, head.statusCode());
        }
        assertEquals(List.of("x"), datas(dcb.events(types(p + "H"), null)));
    }

    @Test
    void wrongMethodsAndUnknownPathsAreProblems() {
        assertProblem(405, dcb.post("read", "application/json", "{}"));
        assertProblem(405, dcb.get("append"));
        assertProblem(404, dcb.get("nothing-here"));
    }

    // ------------------------------------------------------------------------------ helpers

    static void assertProblem(int status, HttpResponse<String> r) {
        assertEquals(status, r.statusCode(), r.request().uri() + " -> " + r.body());
        assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""), r.body());
        JsonObject problem = json(r.body()).asJsonObject();
        assertEquals(status, problem.getInt("status"));
        assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), r.body());
    }

    static String all() {
        return "{\"items\":[]}";
    }

    static String types(String... types) {
        return "{\"items\":[{\"types\":" + list(types) + "}]}";
    }

    static String tags(String... tags) {
        return "{\"items\":[{\"tags\":" + list(tags) + "}]}";
    }

    static String list(String... values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ",").append(str(values[i]));
        }
        return b.append(']').toString();
    }

    static String ev(String type, String data, String... tags) {
        return "{\"type\":" + str(type) + ",\"tags\":" + list(tags) + ",\"data\":" + str(data) + "}";
    }

    static String one(String type, String data) {
        return "{\"events\":[" + ev(type, data) + "]}";
    }

    static List<String> datas(List<JsonValue> events) {
        return events.stream().map(v -> v.asJsonObject().getString("data")).toList();
    }

    static List<String> strings(JsonArray a) {
        return a.getValuesAs(jakarta.json.JsonString.class).stream().map(jakarta.json.JsonString::getString).toList();
    }

    static long pos(JsonArray a, int i) {
        return a.getJsonObject(i).getJsonNumber("position").longValue();
    }

    /** The version of an event's shape: stored as appended (or defaulted), shown beside the type on read. */
    @Test
    void aReadShowsTheStoredVersionOfEveryEventAndAnAppendDefaultsOrRefusesIt() {
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
