package dev.pgevents.platform;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.LocalDateTime;
import org.hibernate.annotations.Immutable;

/** A row of Flyway's history table: which schema migrations this database has. Read only. */
@Entity
@Immutable
@Table(name = "flyway_schema_history")
public class AppliedMigration {

    @Id
    @Column(name = "installed_rank")
    private int installedRank;

    private String version;
    private String description;

    @Column(name = "installed_on")
    private LocalDateTime installedOn;

    private boolean success;

    protected AppliedMigration() {
    }

    public int installedRank() {
        return installedRank;
    }

    public String version() {
        return version;
    }

    public String description() {
        return description;
    }

    public LocalDateTime installedOn() {
        return installedOn;
    }

    public boolean success() {
        return success;
    }
}
