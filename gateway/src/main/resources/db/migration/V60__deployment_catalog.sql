-- The catalog entry of an admin-defined deployment (display name, description, tags, limits, lifecycle...),
-- as JSON text: the fields of gateway.deployments.<name>.catalog. NULL = no entry (generally available).
ALTER TABLE deployment ADD COLUMN catalog TEXT;
