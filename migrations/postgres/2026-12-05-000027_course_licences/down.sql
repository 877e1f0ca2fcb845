-- The free-text values the licences were mapped from are not kept: nothing to undo.
SELECT 1;
