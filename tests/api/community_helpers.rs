//! Shared steps for the community-of-practice tests: communities, joining, threads, replies.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestUser};

impl TestApp {
    /// Creates a community as `owner` (a coordinator, or a trainer for `private`); returns its id.
    pub async fn create_community(&self, owner: &TestUser, visibility: &str) -> i64 {
        let slug = format!("c-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
        let res = self
            .authed(Method::POST, "/api/v1/communities", &owner.token)
            .json(&json!({
                "name": format!("Community {slug}"),
                "slug": slug,
                "description": "Educators sharing what works.",
                "language": "en",
                "visibility": visibility,
            }))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "create community: {body}");
        body["id"].as_i64().unwrap()
    }

    /// A request to join `community` made by `user` before private communities became
    /// invitation-only (the API no longer creates them; moderators still decide those left).
    pub fn earlier_request(&self, community: i64, user: i64) {
        use bayanihan::db::schema::community_members;
        use diesel::prelude::*;
        let mut conn = self.db.conn().unwrap();
        let now = chrono::Utc::now().naive_utc();
        diesel::insert_into(community_members::table)
            .values((
                community_members::community_id.eq(community),
                community_members::user_id.eq(user),
                community_members::role.eq("member"),
                community_members::status.eq("pending"),
                community_members::email_preference.eq("daily"),
                community_members::watching.eq(false),
                community_members::created_at.eq(now),
                community_members::updated_at.eq(now),
            ))
            .execute(&mut *conn)
            .unwrap();
    }

    /// `user` joins `community` (answers the status: 200/201 active, 404 private without an invitation).
    pub async fn join_community(&self, user: &TestUser, community: i64) -> u16 {
        self.authed(
            Method::PUT,
            &format!("/api/v1/communities/{community}/membership"),
            &user.token,
        )
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
    }

    /// A moderator of `community` invites `user`, who accepts: `user` is then an active member.
    pub async fn add_member(&self, moderator: &TestUser, community: i64, user: &TestUser) {
        let res = self
            .authed(
                Method::POST,
                &format!("/api/v1/communities/{community}/invitations"),
                &moderator.token,
            )
            .json(&json!({"user_id": user.id}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status().as_u16(),
            201,
            "invite: {}",
            res.text().await.unwrap()
        );
        let status = self.join_community(user, community).await;
        assert!(
            matches!(status, 200 | 201),
            "accepting an invitation answered {status}"
        );
    }

    /// Starts a thread; returns (thread id, opening post id).
    pub async fn create_thread(
        &self,
        author: &TestUser,
        community: i64,
        kind: &str,
        title: &str,
        body: &str,
    ) -> (i64, i64) {
        let res = self
            .authed(
                Method::POST,
                &format!("/api/v1/communities/{community}/threads"),
                &author.token,
            )
            .json(&json!({"kind": kind, "title": title, "body": body, "tags": []}))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "create thread: {body}");
        (
            body["id"].as_i64().unwrap(),
            body["first_post"]["id"].as_i64().unwrap(),
        )
    }

    /// Replies to a thread; returns the post id.
    pub async fn reply(&self, author: &TestUser, thread: i64, body: &str) -> i64 {
        let res = self
            .authed(
                Method::POST,
                &format!("/api/v1/threads/{thread}/posts"),
                &author.token,
            )
            .json(&json!({"body": body}))
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let json: Value = res.json().await.unwrap();
        assert_eq!(status, 201, "reply: {json}");
        json["id"].as_i64().unwrap()
    }

    /// GET `path` as `user` (or anonymously); returns status and JSON body (`Null` when none).
    pub async fn get_as(&self, user: Option<&TestUser>, path: &str) -> (u16, Value) {
        let req = match user {
            Some(u) => self.authed(Method::GET, path, &u.token),
            None => self.client.get(self.url(path)),
        };
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let body = res.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    /// Sends `method` to `path` as `user` with an optional JSON body; returns status and body.
    pub async fn send_as(
        &self,
        user: &TestUser,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self.authed(method, path, &user.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        let body = res.json().await.unwrap_or(Value::Null);
        (status, body)
    }
}
