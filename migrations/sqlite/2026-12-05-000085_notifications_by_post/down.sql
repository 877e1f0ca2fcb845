DROP INDEX notifications_post;
