package dev.pgevents.http;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;

/**
 * The web container's error page (WEB-INF/web.xml): what the container answers itself (a path it
 * refuses, a protected file, a servlet failure) is problem+json like every other answer, never
 * the container's HTML page with class names.
 */
@WebServlet(ErrorPageServlet.ERROR_PATH)
public class ErrorPageServlet extends HttpServlet {

    static final String ERROR_PATH = "/error-page";

    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i && i >= 400 && i < 600 ? i : 404;
        Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        if (exception instanceof Throwable t && status >= 500) {
            Response unexpected = ProblemMappers.unexpected(t);
            ServletProblems.send(response, (Problem) unexpected.getEntity());
            return;
        }
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String detail = switch (status) {
            case 400 -> "the request is malformed (a path may not encode '/', '\\\\' or '.' segments)";
            case 403, 404 -> "no resource at this path";
            case 405 -> "this method is not allowed on this resource";
            default -> type == null ? "the request failed" : type.getReasonPhrase();
        };
        ServletProblems.send(response, type == null
                ? new Problem("about:blank", "Error", status, detail)
                : Problem.of(type, detail));
    }
}
