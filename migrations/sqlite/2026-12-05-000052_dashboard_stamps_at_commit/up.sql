-- PostgreSQL bumps dashboard stamps at commit, in key order (see the PostgreSQL migration
-- of this version). SQLite runs one writer at a time (BEGIN IMMEDIATE): its counters can
-- neither deadlock nor be held by two transactions, so nothing changes here.
SELECT 1;
