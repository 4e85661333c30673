package dev.pgevents.cart;

import dev.pgevents.decision.Decision;
import dev.pgevents.decision.DecisionMaker;
import dev.pgevents.http.BadRequestException;
import dev.pgevents.http.Problem;
import dev.pgevents.readmodel.ReadYourWrites;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.function.Supplier;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import dev.pgevents.http.OpenApi;

/**
 * The carts over HTTP. Each command becomes a slice's decision, run by the decision maker; a
 * success answers with {@code Event-Position}, the global position of the last event appended.
 * {@code GET .../items} is the live projection; {@code GET /api/carts/{id}} reads the JPA read model
 * and with {@code ?minPosition=N} first waits until it handled position N (read-your-writes), else 503.
 */
@Path("api/carts")
@ApplicationScoped
@Consumes(MediaType.APPLICATION_JSON)
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "carts", description = "The cart of docs/cart.md")
public class CartApi {

    public static final String EVENT_POSITION = "Event-Position";

    @Inject
    DecisionMaker decisions;

    @Inject
    CartItems cartItems;

    @Inject
    Carts carts;

    @Inject
    ReadYourWrites readYourWrites;

    @POST
    @Path("{cartId}/items")
    @Extension(name = OpenApi.ERRORS, value = "404,409")
    public Response addItem(@PathParam("cartId") String cartId, CartJsonBody body) {
        UUID cart = id("cartId", cartId);
        AddItem command = valid(() -> AddItem.from(cart, required(body).json(), UUID.randomUUID()));
        return Response.created(UriBuilder.fromPath("/api/carts/{c}/items/{i}").build(cart, command.itemId()))
                .header(EVENT_POSITION, decide(command)).build();
    }

    @DELETE
    @Path("{cartId}/items/{itemId}")
    @Consumes(MediaType.WILDCARD)
    @Extension(name = OpenApi.ERRORS, value = "404,409")
    public Response removeItem(@PathParam("cartId") String cartId, @PathParam("itemId") String itemId) {
        return noContent(decide(new RemoveItem(id("cartId", cartId), id("itemId", itemId))));
    }

    @DELETE
    @Path("{cartId}/items")
    @Consumes(MediaType.WILDCARD)
    @Extension(name = OpenApi.ERRORS, value = "404,409")
    public Response clear(@PathParam("cartId") String cartId) {
        return noContent(decide(new ClearCart(id("cartId", cartId))));
    }

    @POST
    @Path("{cartId}/submit")
    @Consumes(MediaType.WILDCARD)
    @Extension(name = OpenApi.ERRORS, value = "404,409")
    public Response submit(@PathParam("cartId") String cartId) {
        return noContent(decide(new SubmitCart(id("cartId", cartId))));
    }

    @GET
    @Path("{cartId}/items")
    @Extension(name = OpenApi.ERRORS, value = "404")
    public CartItems.CartItemsView items(@PathParam("cartId") String cartId) {
        UUID id = id("cartId", cartId);
        return cartItems.find(id).orElseThrow(() -> cartNotFound(id));
    }

    @GET
    @Path("{cartId}")
    @Extension(name = OpenApi.ERRORS, value = "404")
    public Carts.CartView cart(@PathParam("cartId") String cartId, @QueryParam("minPosition") String minPosition) {
        UUID id = id("cartId", cartId);
        awaitRead(readYourWrites, Carts.ID, minPosition);
        return carts.find(id).orElseThrow(() -> cartNotFound(id));
    }

    private long decide(Decision decision) {
        // Every cart command appends at least one event when it succeeds.
        return decisions.make(decision).lastPosition().orElseThrow();
    }

    static Response noContent(long position) {
        return Response.noContent().header(EVENT_POSITION, position).build();
    }

    static CartRejections.NotFound cartNotFound(UUID cartId) {
        return new CartRejections.NotFound("cart-not-found", "cart " + cartId + " does not exist");
    }

    static void awaitRead(ReadYourWrites readYourWrites, String readModel, String minPosition) {
        if (minPosition != null) {
            readYourWrites.await(readModel, valid(() -> Fields.position("minPosition", minPosition)));
        }
    }

    static UUID id(String field, String value) {
        return valid(() -> Fields.id(field, value));
    }

    static CartJsonBody required(CartJsonBody body) {
        if (body == null) {
            throw new BadRequestException("a JSON body is required");
        }
        return body;
    }

    /** The value, or a 400 naming the broken field rule. */
    static <T> T valid(Supplier<T> value) {
        try {
            return value.get();
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
    }

    /** A cart, item or product named by the request does not exist: 404. */
    @Provider
    public static class NotFoundMapper implements ExceptionMapper<CartRejections.NotFound> {
        @Override
        public Response toResponse(CartRejections.NotFound e) {
            return Problem.typed("/problems/" + e.reason(), Response.Status.NOT_FOUND, "Not found", e.getMessage())
                    .toResponse();
        }
    }
}
