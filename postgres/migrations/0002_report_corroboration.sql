-- What the carrier's call records made of a crowd report when it was filed
-- ('confirmed', 'unconfirmed', or '' when they do not cover the reporter),
-- and per tally how many of its reports they confirmed.
ALTER TABLE reports ADD COLUMN corroboration TEXT NOT NULL DEFAULT '';
ALTER TABLE tallies ADD COLUMN corroborated INTEGER NOT NULL DEFAULT 0;
