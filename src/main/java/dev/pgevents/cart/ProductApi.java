package dev.pgevents.cart;

import dev.pgevents.decision.DecisionMaker;
import dev.pgevents.http.Problem;
import dev.pgevents.readmodel.ReadYourWrites;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.openapi.annotations.extensions.Extension;
import dev.pgevents.http.OpenApi;

/**
 * The products of the cart domain over HTTP: price changes, the inventories read model and the
 * open carts holding a product; conventions as in {@link CartApi}.
 */
@Path("api/products")
@ApplicationScoped
@Consumes(MediaType.APPLICATION_JSON)
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "products", description = "Prices and inventories of the cart example")
public class ProductApi {

    @Inject
    DecisionMaker decisions;

    @Inject
    Inventories inventories;

    @Inject
    CartsWithProducts cartsWithProducts;

    @Inject
    ReadYourWrites readYourWrites;

    @PUT
    @Path("{productId}/price")
    @Extension(name = OpenApi.ERRORS, value = "409")
    public Response changePrice(@PathParam("productId") String productId, CartJsonBody body) {
        UUID product = CartApi.id("productId", productId);
        ChangePrice command = CartApi.valid(() -> new ChangePrice(product,
                Fields.price(CartApi.required(body).json(), "price", true)));
        return CartApi.noContent(decisions.make(command).lastPosition().orElseThrow());
    }

    @GET
    @Path("{productId}/inventory")
    @Extension(name = OpenApi.ERRORS, value = "404")
    public Inventories.InventoryView inventory(@PathParam("productId") String productId,
                                               @QueryParam("minPosition") String minPosition) {
        UUID id = CartApi.id("productId", productId);
        CartApi.awaitRead(readYourWrites, Inventories.ID, minPosition);
        return inventories.find(id).orElseThrow(() -> new CartRejections.NotFound("product-not-found",
                "no inventory is known for product " + id));
    }

    @GET
    @Path("{productId}/carts")
    public List<CartsWithProducts.CartWithProduct> carts(@PathParam("productId") String productId,
                                                         @QueryParam("minPosition") String minPosition) {
        UUID id = CartApi.id("productId", productId);
        CartApi.awaitRead(readYourWrites, CartsWithProducts.ID, minPosition);
        return cartsWithProducts.holding(id);
    }
}
