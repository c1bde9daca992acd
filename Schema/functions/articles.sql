-- Articles by SKU or GTIN.
--
-- Repeatable: `cfit db migrate` re-applies this file whenever its text changes, after the
-- numbered migrations, so each function's live body is here and only here. Owners and grants
-- set by the numbered migrations are kept (CREATE OR REPLACE keeps them); a new function's
-- grants go below it.

CREATE OR REPLACE FUNCTION public.cfit_article(sku_or_gtin text)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
AS $function$
DECLARE
    found_sku text := cfit_find_article(sku_or_gtin);
BEGIN
    IF found_sku IS NULL THEN
        PERFORM cfit_fail('not-found', 'sku', format('expected a known SKU or GTIN, found ''%s''', sku_or_gtin));
    END IF;
    RETURN found_sku;
END
$function$;

CREATE OR REPLACE FUNCTION public.cfit_find_article(code text)
 RETURNS text
 LANGUAGE plpgsql
 STABLE
AS $function$
BEGIN
    RETURN (SELECT a.sku FROM article a WHERE a.sku = code OR a.gtin14 = lpad(code, 14, '0')
            ORDER BY a.sku = code DESC LIMIT 1);
END
$function$;
