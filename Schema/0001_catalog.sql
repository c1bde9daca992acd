-- Catalog: manufacturers, product lines with their size charts and length variants, articles,
-- and the record of every import. Lengths are whole micrometres, as in the Fitting module.

CREATE FUNCTION gtin_is_valid(gtin text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT gtin ~ '^([0-9]{8}|[0-9]{12,14})$'
       AND (SELECT (10 - sum(substr(gtin, length(gtin) - i, 1)::int * CASE WHEN i % 2 = 1 THEN 3 ELSE 1 END) % 10) % 10
              FROM generate_series(1, length(gtin) - 1) AS i)
           = substr(gtin, length(gtin), 1)::int
$$;

CREATE TABLE manufacturer (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE CHECK (btrim(name) <> '')
);

CREATE TABLE product_line (
    id text PRIMARY KEY CHECK (id ~ '^[a-z0-9-]+$'),
    manufacturer_id bigint NOT NULL REFERENCES manufacturer,
    name text NOT NULL CHECK (btrim(name) <> ''),
    standard text NOT NULL CHECK (standard IN ('RAL', 'BS', 'AFNOR', 'ENV', 'US')),
    classes text[] NOT NULL CHECK (cardinality(classes) > 0),
    styles text[] NOT NULL CHECK (cardinality(styles) > 0 AND styles <@ ARRAY['AD', 'AF', 'AG', 'AT']),
    unit text NOT NULL CHECK (unit IN ('cm', 'in')),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE chart_size (
    line_id text NOT NULL REFERENCES product_line ON DELETE CASCADE,
    name text NOT NULL CHECK (name <> ''),
    position integer NOT NULL CHECK (position >= 0),
    PRIMARY KEY (line_id, name),
    UNIQUE (line_id, position) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE chart_range (
    line_id text NOT NULL,
    size_name text NOT NULL,
    point text NOT NULL CHECK (point IN ('cA', 'cY', 'cB', 'cB1', 'cC', 'cD', 'cE', 'cF', 'cG', 'cH', 'cT')),
    lower_um bigint NOT NULL CHECK (lower_um > 0),
    upper_um bigint NOT NULL,
    PRIMARY KEY (line_id, size_name, point),
    FOREIGN KEY (line_id, size_name) REFERENCES chart_size ON DELETE CASCADE ON UPDATE CASCADE,
    CHECK (upper_um >= lower_um)
);

CREATE TABLE length_variant (
    line_id text NOT NULL REFERENCES product_line ON DELETE CASCADE,
    style text NOT NULL CHECK (style IN ('AD', 'AF', 'AG', 'AT')),
    name text NOT NULL CHECK (name <> ''),
    position integer NOT NULL CHECK (position >= 0),
    lower_um bigint NOT NULL CHECK (lower_um > 0),
    upper_um bigint NOT NULL,
    PRIMARY KEY (line_id, style, name),
    CHECK (upper_um >= lower_um)
);

CREATE TABLE article (
    sku text PRIMARY KEY CHECK (btrim(sku) <> ''),
    gtin text NOT NULL CHECK (gtin_is_valid(gtin)),
    gtin14 text GENERATED ALWAYS AS (lpad(gtin, 14, '0')) STORED UNIQUE,
    line_id text NOT NULL REFERENCES product_line,
    style text NOT NULL CHECK (style IN ('AD', 'AF', 'AG', 'AT')),
    class_label text NOT NULL,
    size_name text NOT NULL,
    length_name text NOT NULL,
    toe text NOT NULL CHECK (toe IN ('open', 'closed')),
    color text NOT NULL CHECK (btrim(color) <> ''),
    hcpcs text CHECK (hcpcs ~ '^[A-Z][0-9]{4}$'),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX article_fit ON article (line_id, style, class_label, size_name, length_name) WHERE active;

CREATE TABLE import_batch (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('catalog', 'articles', 'seed')),
    file_name text NOT NULL,
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    rows integer NOT NULL CHECK (rows >= 0),
    summary text NOT NULL DEFAULT '',
    imported_at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL DEFAULT current_user,
    UNIQUE (kind, sha256)
);
