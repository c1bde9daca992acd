-- Stock, prescriptions, fittings, reservations and dispensing. The database guards the invariants:
-- 0 ≤ reserved ≤ on_hand, an append-only ledger, reserved + dispensed ≤ prescribed, unique
-- idempotency keys.

CREATE TABLE location (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]+$'),
    name text NOT NULL CHECK (btrim(name) <> ''),
    parent_id bigint REFERENCES location
);

CREATE TABLE lot (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku text NOT NULL REFERENCES article,
    code text NOT NULL CHECK (btrim(code) <> ''),
    expires_on date,
    status text NOT NULL DEFAULT 'approved'
        CHECK (status IN ('approved', 'recalled', 'on-hold', 'quarantined', 'expired')),
    UNIQUE (sku, code)
);

CREATE TABLE stock_balance (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku text NOT NULL REFERENCES article,
    location_id bigint NOT NULL REFERENCES location,
    lot_id bigint REFERENCES lot,
    on_hand integer NOT NULL DEFAULT 0,
    reserved integer NOT NULL DEFAULT 0,
    CONSTRAINT reserved_within_on_hand CHECK (0 <= reserved AND reserved <= on_hand),
    UNIQUE NULLS NOT DISTINCT (sku, location_id, lot_id)
);

CREATE TABLE stock_movement (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    balance_id bigint NOT NULL REFERENCES stock_balance,
    sku text NOT NULL REFERENCES article,
    location_id bigint NOT NULL REFERENCES location,
    lot_id bigint REFERENCES lot,
    delta integer NOT NULL CHECK (delta <> 0),
    on_hand_after integer NOT NULL CHECK (on_hand_after >= 0),
    reason text NOT NULL CHECK (reason IN
        ('receipt', 'dispense', 'return', 'count_adjustment', 'damage', 'transfer_in', 'transfer_out', 'correction')),
    reference text,
    actor text NOT NULL DEFAULT current_user,
    note text,
    idempotency_key text UNIQUE
);
CREATE INDEX stock_movement_sku ON stock_movement (sku, id);

-- The ledger is append-only: no role may change or remove a movement, not even the owner.
CREATE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'stock_movement is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER stock_movement_append_only
    BEFORE UPDATE OR DELETE ON stock_movement FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER stock_movement_no_truncate
    BEFORE TRUNCATE ON stock_movement FOR EACH STATEMENT EXECUTE FUNCTION refuse_ledger_change();
REVOKE UPDATE, DELETE, TRUNCATE ON stock_movement FROM PUBLIC;

CREATE TABLE reorder_rule (
    sku text NOT NULL REFERENCES article,
    location_id bigint NOT NULL REFERENCES location,
    minimum integer NOT NULL CHECK (minimum >= 0),
    reorder_quantity integer CHECK (reorder_quantity > 0),
    PRIMARY KEY (sku, location_id)
);

CREATE TABLE patient (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference text NOT NULL UNIQUE CHECK (btrim(reference) <> ''),
    display_name text NOT NULL CHECK (btrim(display_name) <> ''),
    birth_date date
);

CREATE TABLE prescriber (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reference text NOT NULL UNIQUE CHECK (btrim(reference) <> ''),
    display_name text NOT NULL CHECK (btrim(display_name) <> '')
);

CREATE TABLE prescription (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number text NOT NULL UNIQUE CHECK (btrim(number) <> ''),
    patient_id bigint NOT NULL REFERENCES patient,
    prescriber_id bigint NOT NULL REFERENCES prescriber,
    authored_on date NOT NULL DEFAULT current_date,
    valid_from date NOT NULL DEFAULT current_date,
    valid_until date,
    status text NOT NULL DEFAULT 'active'
        CHECK (status IN ('draft', 'active', 'on-hold', 'revoked', 'completed', 'entered-in-error')),
    diagnosis text,
    note text,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT current_user,
    idempotency_key text UNIQUE,
    CHECK (valid_until IS NULL OR valid_until >= valid_from)
);

CREATE TABLE prescription_item (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    prescription_id bigint NOT NULL REFERENCES prescription,
    style text NOT NULL CHECK (style IN ('AD', 'AF', 'AG', 'AT')),
    standard text NOT NULL CHECK (standard IN ('RAL', 'BS', 'AFNOR', 'ENV', 'US')),
    class_label text NOT NULL,
    side text NOT NULL DEFAULT 'both' CHECK (side IN ('left', 'right', 'both')),
    quantity_prescribed integer NOT NULL CHECK (quantity_prescribed > 0),
    quantity_reserved integer NOT NULL DEFAULT 0 CHECK (quantity_reserved >= 0),
    quantity_dispensed integer NOT NULL DEFAULT 0 CHECK (quantity_dispensed >= 0),
    CONSTRAINT within_prescription CHECK (quantity_reserved + quantity_dispensed <= quantity_prescribed)
);

CREATE TABLE fitting (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    prescription_id bigint NOT NULL REFERENCES prescription,
    patient_id bigint NOT NULL REFERENCES patient,
    fitter text NOT NULL DEFAULT current_user,
    taken_at timestamptz NOT NULL DEFAULT now(),
    style text NOT NULL,
    class_code text NOT NULL,
    unit text NOT NULL CHECK (unit IN ('cm', 'in')),
    measurements jsonb NOT NULL,
    result jsonb NOT NULL,
    idempotency_key text UNIQUE
);

CREATE TABLE reservation (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    prescription_item_id bigint NOT NULL REFERENCES prescription_item,
    balance_id bigint NOT NULL REFERENCES stock_balance,
    quantity integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'fulfilled', 'released', 'expired')),
    created_at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL DEFAULT current_user,
    closed_at timestamptz,
    idempotency_key text UNIQUE
);
CREATE INDEX reservation_active ON reservation (balance_id) WHERE status = 'active';

CREATE TABLE dispense (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    reservation_id bigint NOT NULL UNIQUE REFERENCES reservation,
    prescription_item_id bigint NOT NULL REFERENCES prescription_item,
    sku text NOT NULL REFERENCES article,
    lot_id bigint REFERENCES lot,
    location_id bigint NOT NULL REFERENCES location,
    quantity integer NOT NULL CHECK (quantity > 0),
    status text NOT NULL DEFAULT 'completed'
        CHECK (status IN ('preparation', 'in-progress', 'completed', 'cancelled', 'declined')),
    handed_over_at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL DEFAULT current_user,
    idempotency_key text UNIQUE
);

-- What a retried or repeated write returned the first time, by its idempotency key.
CREATE TABLE idempotent_result (
    key text PRIMARY KEY,
    operation text NOT NULL,
    result jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
