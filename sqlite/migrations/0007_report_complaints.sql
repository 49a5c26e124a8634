-- An official feed's reporter group stands for several complainants: how
-- many complaints its current report on the number carries.
ALTER TABLE reports ADD COLUMN complaints INTEGER NOT NULL DEFAULT 1;
