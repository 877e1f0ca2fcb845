DROP TABLE need_links;
DROP TABLE need_endorsements;
DROP TABLE needs;
DROP TABLE needs_round_countries;
DROP TABLE needs_round_organisations;
DROP TABLE needs_rounds;
