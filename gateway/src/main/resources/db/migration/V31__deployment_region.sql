-- Where an admin-defined deployment serves (compliance: tenants bound to regions never leave them); NULL = not said.
ALTER TABLE deployment ADD COLUMN region VARCHAR(64);
