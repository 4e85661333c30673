package dev.pgevents.http;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** All JAX-RS resources: the domain API under /api, the event store API under /dcb. */
@ApplicationPath("/")
public class RestApplication extends Application {
}
