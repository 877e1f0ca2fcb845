-- Accounts whose display name or email address could pass for another's in a different
-- script (issue 10, item 12): flagged for administrators (`GET /api/v1/users?lookalike=true`),
-- never refused. Set by every write of a name or an address; NULL until the server has
-- checked an account created before this column (it does so when it starts).
ALTER TABLE users ADD COLUMN lookalike BOOLEAN;
