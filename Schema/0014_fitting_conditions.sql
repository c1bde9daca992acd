-- How and when the legs were measured, and what the fitter checked before compressing (issue 20).
--
-- Measurements taken late in the day on a swollen leg give a larger size and too little pressure;
-- the conditions are recorded so that a reader can tell (compression.md §5). The contraindication
-- checklist holds codes: the absolute ones (decompensated heart failure, septic phlebitis,
-- phlegmasia coerulea dolens) are refused by cfit_record_fitting; a relative one (neuropathy or
-- sensory loss, fragile or weeping skin, a recent skin graft or arterial bypass, a material allergy,
-- advanced polyarthritis) needs who confirmed compression.
ALTER TABLE fitting
    ADD COLUMN measured_at timestamptz,
    ADD COLUMN posture text CHECK (posture IN ('standing', 'seated', 'lying', 'mixed')),
    ADD COLUMN points_marked boolean,
    ADD COLUMN after_bandages boolean,
    ADD COLUMN legs_raised boolean,
    ADD COLUMN foot_length_um bigint CHECK (foot_length_um > 0 AND foot_length_um <= 500000),
    ADD COLUMN contraindications text[] NOT NULL DEFAULT '{}' CHECK (contraindications <@ ARRAY[
        'heart-failure', 'septic-phlebitis', 'phlegmasia', 'neuropathy', 'skin', 'graft', 'allergy', 'polyarthritis']),
    ADD CONSTRAINT no_absolute_contraindication CHECK (
        NOT (contraindications && ARRAY['heart-failure', 'septic-phlebitis', 'phlegmasia'])),
    ADD CONSTRAINT relative_contraindication_confirmed CHECK (
        NOT (contraindications && ARRAY['neuropathy', 'skin', 'graft', 'allergy', 'polyarthritis']) OR confirmed_by IS NOT NULL);

-- Recording a fitting now carries its conditions and checklist: the old signature goes (the
-- function file defines the new one and grants it).
DROP FUNCTION IF EXISTS cfit_record_fitting(text, text, text, text, text, text, jsonb, jsonb, numeric, numeric, text);

-- Systolic ankle and toe pressures per leg (mmHg), where measured: the S2k guideline refuses an
-- ankle pressure below 60 and a toe pressure below 30 (cfit_record_fitting under policy s2k).
ALTER TABLE fitting
    ADD COLUMN ankle_pressure_left integer CHECK (ankle_pressure_left BETWEEN 1 AND 300),
    ADD COLUMN ankle_pressure_right integer CHECK (ankle_pressure_right BETWEEN 1 AND 300),
    ADD COLUMN toe_pressure_left integer CHECK (toe_pressure_left BETWEEN 1 AND 300),
    ADD COLUMN toe_pressure_right integer CHECK (toe_pressure_right BETWEEN 1 AND 300);

-- Whether the prescription covers a second set for washing (two garments per leg: one to wear,
-- one to wash; compression.md §5–6): what is due for replacement says so.
ALTER TABLE prescription_item ADD COLUMN washing_set boolean NOT NULL DEFAULT false;
DROP FUNCTION IF EXISTS cfit_rx_new(text, text, text, text, text, text, text, text, text, text, text, integer, date, text, boolean, date);
