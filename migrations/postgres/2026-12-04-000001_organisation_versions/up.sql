-- ETags follow a version every change bumps, not a hash of the rendered body.
ALTER TABLE organisations ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE memberships ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
