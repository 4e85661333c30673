package dev.pgevents.it.listener.support;

import dev.pgevents.eventstore.EventQuery;
import dev.pgevents.eventstore.QueryItem;
import dev.pgevents.eventstore.RecordedEvent;
import dev.pgevents.listener.InlineListener;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import javax.sql.DataSource;

/** An inline listener: a unique index of claimed names, written in the append transaction. */
@ApplicationScoped
public class UniqueNames implements InlineListener {

    @Resource(lookup = "jdbc/pgevents")
    DataSource dataSource;

    @Override
    public String id() {
        return "it-unique-names";
    }

    @Override
    public EventQuery query() {
        return EventQuery.of(QueryItem.types(ItEvents.NameClaimed.class));
    }

    @Override
    public void handle(RecordedEvent event) throws Exception {
        ItEvents.NameClaimed claimed = (ItEvents.NameClaimed) event.event();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO it_claimed_name (name, position) VALUES (?, ?)")) {
            ps.setString(1, claimed.name());
            ps.setLong(2, event.position());
            ps.executeUpdate(); // a duplicate name violates the primary key: the append fails
        }
    }
}
