-- Lookups that grew with the stock (measured by Benchmarks/run: `lot show` took 2.8 ms at 10⁴
-- balances and 11.7 ms at 10⁵, a sequential scan each): a lot is looked up by its code alone
-- (`cfit lot show CODE`, a recall notice names only the lot), and a lot's stock by its balances.
CREATE INDEX lot_code ON lot (code);
CREATE INDEX stock_balance_lot ON stock_balance (lot_id) WHERE lot_id IS NOT NULL;
