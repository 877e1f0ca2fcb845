CREATE TABLE organisations (
    id BIGSERIAL PRIMARY KEY,
    -- Byte order, as on SQLite, so that both databases page in the same order.
    name TEXT COLLATE "C" NOT NULL,
    acronym TEXT,
    country TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('international', 'regional', 'national_centre', 'federation', 'union')),
    parent_id BIGINT REFERENCES organisations (id) ON DELETE RESTRICT,
    sector TEXT,
    website TEXT,
    search_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (country, name)
);
CREATE INDEX organisations_name ON organisations (name, id);
CREATE INDEX organisations_created ON organisations (created_at, id);
CREATE INDEX organisations_country ON organisations (country, name, id);
CREATE INDEX organisations_kind ON organisations (kind, name, id);
CREATE INDEX organisations_parent ON organisations (parent_id, name, id);
