DROP TABLE device_tokens;
DROP TABLE throttle_events;
