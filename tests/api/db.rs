//! The database layer under load: concurrent writers, transactions.

use bayanihan::db::write_transaction;
use bayanihan::error::ApiError;
use bayanihan::organisations::model::{NewOrganisation, OrganisationKind, search_text};
use bayanihan::organisations::repo;
use bayanihan::types::CountryCode;

use crate::helpers::spawn_app;

fn new_org(name: &str) -> NewOrganisation {
    let now = bayanihan::db::now();
    NewOrganisation {
        name: name.to_owned(),
        acronym: None,
        country: CountryCode::parse("PH").expect("a country code"),
        kind: OrganisationKind::Union,
        parent_id: None,
        sector: None,
        website: None,
        sector_code: None,
        search_text: search_text(name, None),
        created_at: now,
        updated_at: now,
    }
}

#[tokio::test]
async fn a_hundred_concurrent_writers_all_succeed() {
    let app = spawn_app().await;
    let mut tasks = Vec::new();
    for i in 0..100 {
        let db = app.db.clone();
        tasks.push(tokio::spawn(async move {
            // Read, then write, in one transaction: the pattern that deadlocks on SQLite
            // unless the write lock is taken up front.
            db.write(move |conn| {
                let before = repo::count(conn)?;
                repo::insert(conn, &new_org(&format!("Writer {i:03}")))?;
                Ok(before)
            })
            .await
        }));
    }
    for task in tasks {
        task.await.unwrap().expect("every writer succeeds");
    }
    let total = app.db.read(|conn| Ok(repo::count(conn)?)).await.unwrap();
    assert_eq!(total, 100);
}

#[tokio::test]
async fn a_failed_write_leaves_nothing_behind() {
    let app = spawn_app().await;
    let result = app
        .db
        .write(|conn| {
            repo::insert(conn, &new_org("First half"))?;
            // The same (country, name) again: a unique violation, mapped to 409.
            repo::insert(conn, &new_org("First half"))?;
            Ok(())
        })
        .await;
    assert!(
        matches!(result, Err(ApiError::Conflict { .. })),
        "{result:?}"
    );
    assert_eq!(app.db.read(|conn| Ok(repo::count(conn)?)).await.unwrap(), 0);

    let mut conn = app.db.conn().unwrap();
    let result: Result<(), ApiError> = write_transaction(&mut conn, |conn| {
        repo::insert(conn, &new_org("Second"))?;
        Err(ApiError::bad_request("stop", "rolled back on purpose"))
    });
    assert!(result.is_err());
    assert_eq!(app.db.read(|conn| Ok(repo::count(conn)?)).await.unwrap(), 0);
}
