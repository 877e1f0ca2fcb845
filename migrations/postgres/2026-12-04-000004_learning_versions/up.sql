-- ETags follow a version every change bumps, not a hash of the rendered body. An
-- enrolment's version counts every change to the learner's record in the course (its
-- lessons included); a certificate's, its revocation.
ALTER TABLE enrolments ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE certificates ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
