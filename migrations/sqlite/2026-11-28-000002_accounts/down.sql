DROP TABLE memberships;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE email_tokens;
DROP TABLE users;
