DROP TABLE search_instances;
