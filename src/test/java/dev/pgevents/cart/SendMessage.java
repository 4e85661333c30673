package dev.pgevents.cart;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A command for the development setup (docs/cart.md): sends one message to a topic of the broker
 * that {@code KAFKA_BOOTSTRAP_SERVERS} names (default {@code localhost:9092}, the broker of
 * {@code mvn -Prun}), creating the topic first if it is missing (the application creates none).
 * Arguments: topic, value, and optionally a key.
 */
public final class SendMessage {

    private SendMessage() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: SendMessage <topic> <value> [key]");
            System.exit(2);
        }
        String servers = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", servers))) {
            admin.createTopics(List.of(new NewTopic(args[0], 1, (short) 1))).all().get();
            System.out.println("created topic " + args[0]);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers, ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer())) {
            var sent = producer.send(new ProducerRecord<>(args[0], args.length == 3 ? args[2] : null,
                    args[1].getBytes(StandardCharsets.UTF_8))).get();
            System.out.println("sent to " + sent.topic() + "/" + sent.partition() + "@" + sent.offset());
        }
    }
}
