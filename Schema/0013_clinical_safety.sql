-- Clinical safety of the fit (issue 20).
--
-- The shop's guideline is a setting the shop's admin chooses, kept here: the arterial-safety
-- policy (nice, the most conservative, by default; formulary; s2k) and the standard a bare class
-- label is read in. One row, read by every login, changed only through cfit_set_guideline (admin).
CREATE TABLE shop_setting (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    arterial_policy text NOT NULL DEFAULT 'nice' CHECK (arterial_policy IN ('nice', 'formulary', 's2k')),
    default_standard text NOT NULL DEFAULT 'RAL' CHECK (default_standard IN ('RAL', 'BS', 'AFNOR', 'ENV', 'US')),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT current_user
);
INSERT INTO shop_setting DEFAULT VALUES;
GRANT SELECT ON shop_setting TO cfit_fitter;

-- The prescriber's record that arterial status was assessed (an ABPI or equivalent taken by the
-- prescriber): with it, a garment above 20 mmHg may be reserved without an ABPI recorded here.
ALTER TABLE prescription ADD COLUMN arterial_assessed boolean NOT NULL DEFAULT false;

-- The ABPI per leg at a fitting, what the shop's policy said of it, and who confirmed it where the
-- policy asks for a specialist's confirmation.
ALTER TABLE fitting
    ADD COLUMN arterial_policy text CHECK (arterial_policy IN ('nice', 'formulary', 's2k')),
    ADD COLUMN abpi_left numeric(4, 2) CHECK (abpi_left > 0 AND abpi_left <= 3),
    ADD COLUMN abpi_right numeric(4, 2) CHECK (abpi_right > 0 AND abpi_right <= 3),
    ADD COLUMN verdict_left text CHECK (verdict_left IN ('compress', 'confirm')),
    ADD COLUMN verdict_right text CHECK (verdict_right IN ('compress', 'confirm')),
    ADD COLUMN confirmed_by text CHECK (btrim(confirmed_by) <> ''),
    ADD CONSTRAINT verdict_with_index CHECK ((abpi_left IS NULL) = (verdict_left IS NULL)
        AND (abpi_right IS NULL) = (verdict_right IS NULL) AND (abpi_left IS NULL AND abpi_right IS NULL OR arterial_policy IS NOT NULL)),
    ADD CONSTRAINT confirmation_recorded CHECK (
        NOT (coalesce(verdict_left, '') = 'confirm' OR coalesce(verdict_right, '') = 'confirm') OR confirmed_by IS NOT NULL);

-- Recording a fitting now carries the legs' indices and the confirmation: the old signature goes
-- (the function file defines the new one and grants it).
DROP FUNCTION IF EXISTS cfit_record_fitting(text, text, text, text, text, text, jsonb, jsonb);
-- Recording a prescription carries the prescriber's arterial assessment.
DROP FUNCTION IF EXISTS cfit_rx_new(text, text, text, text, text, text, text, text, text, text, text, integer, date, text, date);
