-- Deployments the admin API holds back while it loads, drains or has unloaded their model on their Triton pool,
-- shared by every gateway replica (each reloads it on a signal and periodically). A loading or unloading row
-- expires (its replica may have died mid-way); an unloaded one stands until the next load.
CREATE TABLE model_gate (
    deployment VARCHAR(200) PRIMARY KEY,
    state      VARCHAR(16)  NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
