-- schema: the corpus database pirx load writes, one table per corpus file
-- (SPEC section 2), plus the load's own bookkeeping.
-- Instants are INTEGER Unix seconds, UTC (read them with
-- datetime(col, 'unixepoch')); severity is INTEGER 1 (most severe) .. 5;
-- priority and status are normalized words; NULL means unknown.
-- source_line is the line of the corpus file the row came from.
-- Indexes are created after the bulk insert, by indexes.sql.
PRAGMA user_version = 1;

CREATE TABLE incidents (
    id              TEXT    NOT NULL,
    title           TEXT,
    severity        INTEGER CHECK (severity BETWEEN 1 AND 5),
    service         TEXT,
    team            TEXT,
    started_at      INTEGER NOT NULL,
    detected_at     INTEGER,
    acknowledged_at INTEGER,
    mitigated_at    INTEGER,
    resolved_at     INTEGER,
    review_at       INTEGER,
    summary         TEXT,
    source_line     INTEGER NOT NULL
);

-- One row per service an incident hit (incidents.service split on ';').
CREATE TABLE incident_services (
    incident_id TEXT NOT NULL,
    service     TEXT NOT NULL
);

CREATE TABLE factors (
    id          TEXT    NOT NULL,
    incident_id TEXT    NOT NULL,
    category    TEXT,
    text        TEXT    NOT NULL,
    source_line INTEGER NOT NULL
);

CREATE TABLE action_items (
    id           TEXT    NOT NULL,
    incident_id  TEXT    NOT NULL,
    title        TEXT,
    owner        TEXT,
    team         TEXT,
    -- Equalities rather than IN (...): SQLite evaluates an IN list in a CHECK
    -- through a temporary table per row, which tripled the load's cost.
    priority     TEXT CHECK (priority = 'must-fix' OR priority = 'should-fix'
                             OR priority = 'nice-to-have'),
    created_at   INTEGER NOT NULL,
    due_at       INTEGER,
    completed_at INTEGER,
    status       TEXT NOT NULL CHECK (status = 'open' OR status = 'done' OR status = 'cancelled'),
    source_line  INTEGER NOT NULL
);

CREATE TABLE responders (
    incident_id TEXT    NOT NULL,
    responder   TEXT    NOT NULL,
    role        TEXT,
    joined_at   INTEGER NOT NULL,
    left_at     INTEGER,
    source_line INTEGER NOT NULL
);

CREATE TABLE pages (
    responder   TEXT    NOT NULL,
    paged_at    INTEGER NOT NULL,
    incident_id TEXT,
    urgency     TEXT,
    source_line INTEGER NOT NULL
);

CREATE TABLE roster (
    responder   TEXT    NOT NULL,
    team        TEXT,
    timezone    TEXT,
    source_line INTEGER NOT NULL
);

-- Which corpus files the load found (a missing file skips its analyses):
-- one row per file present; an absent optional file has no row.
CREATE TABLE corpus_files (
    file     TEXT    NOT NULL PRIMARY KEY,
    rows     INTEGER NOT NULL,
    rejected INTEGER NOT NULL
);

-- Problems the load kept or skipped: rows rejected with --skip-invalid and
-- rows kept with times out of order (the broken durations are left out).
CREATE TABLE data_quality (
    file    TEXT    NOT NULL,
    line    INTEGER NOT NULL,
    "column" TEXT   NOT NULL,
    problem TEXT    NOT NULL,
    kind    TEXT    NOT NULL CHECK (kind = 'rejected' OR kind = 'kept')
);
