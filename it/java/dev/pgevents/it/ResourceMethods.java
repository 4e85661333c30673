package dev.pgevents.it;

import jakarta.annotation.security.DeclareRoles;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The JAX-RS resource methods of the application's classes, by reflection: what its OpenAPI document must describe. */
final class ResourceMethods {

    /**
     * @param path       as OpenAPI writes it: from the root, template parameters without their regex
     * @param takesInput it has a path or query parameter or a body
     * @param secured    its class needs a role (admin API, /dcb)
     */
    record Operation(String method, String path, boolean takesInput, boolean secured) {
        @Override
        public String toString() {
            return method.toUpperCase() + " " + path;
        }
    }

    private ResourceMethods() {
    }

    static List<Operation> in(Path classes) throws IOException, ClassNotFoundException {
        List<Operation> out = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(f -> f.toString().endsWith(".class")).toList();
        }
        for (Path f : files) {
            String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
            Class<?> c = Class.forName(name, false, ResourceMethods.class.getClassLoader());
            jakarta.ws.rs.Path root = c.getAnnotation(jakarta.ws.rs.Path.class);
            if (root == null) {
                continue;
            }
            for (Method m : c.getDeclaredMethods()) {
                String http = httpMethod(m);
                if (http == null) {
                    continue;
                }
                jakarta.ws.rs.Path sub = m.getAnnotation(jakarta.ws.rs.Path.class);
                String path = ("/" + root.value() + (sub == null ? "" : "/" + sub.value()))
                        .replaceAll("/+", "/").replaceAll("\\{(\\w+)\\s*:[^}]*}", "{$1}");
                if (path.length() > 1 && path.endsWith("/")) {
                    path = path.substring(0, path.length() - 1);
                }
                boolean input = false;
                for (Parameter p : m.getParameters()) {
                    input |= p.isAnnotationPresent(PathParam.class) || p.isAnnotationPresent(QueryParam.class)
                            || !p.isAnnotationPresent(Context.class);
                }
                out.add(new Operation(http.toLowerCase(), path, input, c.isAnnotationPresent(DeclareRoles.class)));
            }
        }
        return out;
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
            if (h != null) {
                return h.value();
            }
        }
        return null;
    }
}
