package dev.pgevents.eventstore.cdi;

import dev.pgevents.eventstore.jdbc.PositionSequence;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import javax.sql.DataSource;

/**
 * Refuses to start the application when the position sequence would make the safe watermark
 * wrong ({@link PositionSequence#check}): the deployment fails with the sequence's name and the
 * fix, instead of every SAFE read and listener failing later.
 */
@Singleton
@Startup
@DependsOn("SchemaMigrations")
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class PositionSequenceCheck {

    @Resource(lookup = "jdbc/pgevents-nontx")
    DataSource dataSource;

    @PostConstruct
    void check() {
        PositionSequence.check(dataSource);
    }
}
