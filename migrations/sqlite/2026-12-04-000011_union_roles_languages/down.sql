DROP TABLE user_languages;
ALTER TABLE memberships DROP COLUMN union_role;
