-- Whether a member has already heard of a post (an edit's new mentions, one notification)
-- is read by post, not by scanning every notification the member ever had.
CREATE INDEX notifications_post ON notifications (post_id, user_id) WHERE post_id IS NOT NULL;
