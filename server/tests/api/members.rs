use crate::helpers::*;
use domain::{ErrorCode, OrgRole};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn members_page_with_a_cursor_and_search_by_name_or_email() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    for name in ["anna", "bert", "carl", "dora", "emil_x"] {
        let user = app.register(&format!("{name}@acme.test")).await;
        app.add_member(org, &user, OrgRole::Viewer).await;
    }
    let path = format!("/api/accounts/{org}/members");
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}?limit=2&cursor={c}"),
            None => format!("{path}?limit=2"),
        };
        let page: Value = olga.get(&url).await.json().await.unwrap();
        for item in page["items"].as_array().unwrap() {
            seen.push(item["email"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    assert_eq!(seen[0], "olga@acme.test", "{seen:?}");
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), 6, "no member twice across pages");

    let by_name: Value = olga
        .get(&format!("{path}?q=DOR"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_name["items"].as_array().unwrap().len(), 1);
    assert_eq!(by_name["items"][0]["name"], "Dora");
    let by_email: Value = olga
        .get(&format!("{path}?q=bert@"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_email["items"][0]["email"], "bert@acme.test");
    let wildcard: Value = olga
        .get(&format!("{path}?q=_x"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        wildcard["items"].as_array().unwrap().len(),
        1,
        "_ is a character, not a wildcard"
    );
    assert_problem(
        olga.get(&format!("{path}?cursor=garbage")).await,
        422,
        ErrorCode::Validation,
    )
    .await;
    assert_problem(
        olga.get(&format!("{path}?limit=500")).await,
        422,
        ErrorCode::Validation,
    )
    .await;
}

/// A search finds the same members whether it goes through the trigram index
/// (a large organization, and few users anywhere contain the text) or reads the
/// organization's members (a short text, or one more than `SEARCH_CANDIDATES`
/// users contain).
#[tokio::test]
async fn member_search_finds_the_same_members_through_the_index_and_by_reading_them() {
    use orgspace_server::store::members::{SEARCH_BY_READING_UP_TO, SEARCH_CANDIDATES};
    use orgspace_server::store::probes::Probe;
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    for email in [
        "zed.common@acme.test",
        "yan@acme.test",
        "o'neil@acme.test",
        "ryan@acme.test",
        "nameat@acme.test",
    ] {
        let user = app.register(email).await;
        app.add_member(org, &user, OrgRole::Viewer).await;
    }
    // A name with an address in it: found by an address search whatever the
    // member's own address.
    sqlx::query("UPDATE users SET name = 'Ask yan@acme.test' WHERE email = 'nameat@acme.test'")
        .execute(app.store.pool())
        .await
        .unwrap();
    // Enough members for the index to be used, and users elsewhere whose email
    // contains "common".
    app.add_filler_members(org, SEARCH_BY_READING_UP_TO + 1)
        .await;
    let mut tx = app.store.pool().begin().await.unwrap();
    for i in 0..SEARCH_CANDIDATES + 5 {
        sqlx::query("INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, 'x', 0)")
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(format!("{i}common@elsewhere.test"))
            .bind(format!("Outsider {i}"))
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let page = |q: &str, cursor: Option<&str>| {
        let mut url = format!("/api/accounts/{org}/members?q={}", urlencoding(q));
        if let Some(cursor) = cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let olga = &olga;
        async move {
            let response = olga.get(&url).await;
            assert_eq!(response.status(), StatusCode::OK, "{url}");
            let page: Value = response.json().await.unwrap();
            let emails = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["email"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>();
            (emails, page["next_cursor"].as_str().map(str::to_owned))
        }
    };
    let search = |q: &'static str| {
        let page = &page;
        async move { page(q, None).await.0 }
    };
    // Through the index: few users anywhere contain these.
    assert_eq!(search("zed.com").await, ["zed.common@acme.test"]);
    assert_eq!(
        search("YAN@").await,
        ["yan@acme.test", "ryan@acme.test", "nameat@acme.test"]
    );
    // An address: the users whose local part ends with "yan", and those with
    // `@` in their name, each tested against the whole text.
    assert_eq!(
        search("yan@acme.test").await,
        ["yan@acme.test", "ryan@acme.test", "nameat@acme.test"]
    );
    assert_eq!(
        search("an@acme.test").await,
        ["yan@acme.test", "ryan@acme.test", "nameat@acme.test"]
    );
    assert_eq!(
        search("zed.common@acme.test").await,
        ["zed.common@acme.test"]
    );
    assert_eq!(search("yan@elsewhere").await, Vec::<String>::new());
    // The index follows a changed address.
    sqlx::query("UPDATE users SET email = 'ryan.new@acme.test' WHERE email = 'ryan@acme.test'")
        .execute(app.store.pool())
        .await
        .unwrap();
    assert_eq!(
        search("yan@acme.test").await,
        ["yan@acme.test", "nameat@acme.test"]
    );
    assert_eq!(search("ryan.new@acme.test").await, ["ryan.new@acme.test"]);
    assert_eq!(search("filler1@acme").await, ["filler1@acme.test"]);
    assert_eq!(search("o'neil").await, ["o'neil@acme.test"]);
    assert_eq!(
        search("ze\"d").await,
        Vec::<String>::new(),
        "a quote is text"
    );
    assert_eq!(search("nobody-has-this").await, Vec::<String>::new());
    // …page after page: filler1, filler10–19, filler100–199, filler1000.
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let (emails, next) = page("filler1", cursor.as_deref()).await;
        seen.extend(emails);
        match next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 112, "{seen:?}");
    assert_eq!(seen[0], "filler1@acme.test", "in the order they joined");
    seen.dedup();
    assert_eq!(seen.len(), 112, "no member twice");
    // By reading the members: more than SEARCH_CANDIDATES users contain it, or it is short.
    let probes = app.store.common_probes();
    assert!(!probes.is_common(Probe::Trigrams, "common", std::time::Instant::now()));
    assert_eq!(search("common").await, ["zed.common@acme.test"]);
    // The index said so once; the next search reads at once, and finds the same.
    assert!(probes.is_common(Probe::Trigrams, "common", std::time::Instant::now()));
    assert_eq!(search("COMMON").await, ["zed.common@acme.test"]);
    assert_eq!(probes.len(), 1, "only the common probe is remembered");
    // More than SEARCH_CANDIDATES local parts end with "common": the trigram
    // index is asked next (more users contain "common@" too), then the
    // members are read. Both probes are remembered.
    assert_eq!(search("common@acme.test").await, ["zed.common@acme.test"]);
    let now = std::time::Instant::now();
    assert!(probes.is_common(Probe::LocalPartEnding, "nommoc", now));
    assert!(probes.is_common(Probe::Trigrams, "common@", now));
    assert_eq!(search("common@acme.test").await, ["zed.common@acme.test"]);
    assert_eq!(probes.len(), 3);
    assert_eq!(
        search("ya").await,
        ["yan@acme.test", "ryan.new@acme.test", "nameat@acme.test"]
    );
    let (everyone, next) = page("@acme.test", None).await;
    assert_eq!(everyone.len(), 50);
    assert!(next.is_some());
    app.assert_seat_counters().await;
}

#[tokio::test]
async fn a_role_change_takes_effect_on_the_next_request() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let bob = app.register("bob@acme.test").await;
    app.join(&olga, org, &bob, OrgRole::Viewer).await;
    let account = format!("/api/accounts/{org}");
    assert_problem(
        bob.patch(&account, json!({"name": "By Bob"})).await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    let changed = olga
        .patch(
            &format!("{account}/members/{}", bob.id),
            json!({"role": "admin"}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["role"], "admin");
    assert_eq!(
        bob.patch(&account, json!({"name": "By Bob"}))
            .await
            .status(),
        StatusCode::OK
    );
    let logged = app
        .count(
            "SELECT COUNT(*) FROM activity WHERE account_id = $1 AND event = 'member.role_changed'",
            &org.to_string(),
        )
        .await;
    assert_eq!(logged, 1);
}

#[tokio::test]
async fn role_changes_are_checked() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let bob = app.register("bob@acme.test").await;
    app.join(&olga, org, &bob, OrgRole::Admin).await;
    let member = |user: &User| format!("/api/accounts/{org}/members/{}", user.id);
    assert_problem(
        olga.patch(&member(&olga), json!({"role": "admin"})).await,
        409,
        ErrorCode::LastOwner,
    )
    .await;
    assert_problem(
        bob.patch(&member(&olga), json!({"role": "viewer"})).await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    assert_problem(
        olga.patch(&member(&bob), json!({"role": "emperor"})).await,
        422,
        ErrorCode::Validation,
    )
    .await;
    let stranger = app.register("eve@evil.test").await;
    assert_problem(
        olga.patch(&member(&stranger), json!({"role": "viewer"}))
            .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    assert_problem(
        stranger
            .patch(&member(&bob), json!({"role": "viewer"}))
            .await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    // With a second Owner, the first may step down.
    assert_eq!(
        olga.patch(&member(&bob), json!({"role": "owner"}))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        olga.patch(&member(&olga), json!({"role": "viewer"}))
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn owners_remove_members_but_never_the_last_owner() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let bob = app.register("bob@acme.test").await;
    app.join(&olga, org, &bob, OrgRole::Tech).await;
    let member = |user: &User| format!("/api/accounts/{org}/members/{}", user.id);
    assert_problem(bob.delete(&member(&olga)).await, 403, ErrorCode::Forbidden).await;
    assert_problem(olga.delete(&member(&olga)).await, 409, ErrorCode::LastOwner).await;
    assert_eq!(
        olga.delete(&member(&bob)).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        bob.get(&format!("/api/accounts/{org}")).await,
        404,
        ErrorCode::NotFound,
    )
    .await;
    let teams = app
        .count(
            "SELECT COUNT(*) FROM team_members WHERE user_id = $1",
            &bob.id.to_string(),
        )
        .await;
    assert_eq!(teams, 0, "removed members leave their teams");
    assert_problem(olga.delete(&member(&bob)).await, 404, ErrorCode::NotFound).await;
    app.assert_seat_counters().await;
}

#[tokio::test]
async fn ownership_transfers_in_one_step() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let bob = app.register("bob@acme.test").await;
    app.join(&olga, org, &bob, OrgRole::Tech).await;
    let path = format!("/api/accounts/{org}/transfer-ownership");
    assert_problem(
        bob.post(&path, json!({"user_id": bob.id.to_string()}))
            .await,
        403,
        ErrorCode::Forbidden,
    )
    .await;
    assert_problem(
        olga.post(&path, json!({"user_id": olga.id.to_string()}))
            .await,
        422,
        ErrorCode::Validation,
    )
    .await;
    let stranger = app.register("eve@evil.test").await;
    assert_problem(
        olga.post(&path, json!({"user_id": stranger.id.to_string()}))
            .await,
        422,
        ErrorCode::Validation,
    )
    .await;
    assert_problem(
        olga.post(
            &path,
            json!({"user_id": bob.id.to_string(), "new_role": "king"}),
        )
        .await,
        422,
        ErrorCode::Validation,
    )
    .await;
    let done = olga
        .post(&path, json!({"user_id": bob.id.to_string()}))
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    let mine: Value = done.json().await.unwrap();
    assert_eq!(mine["role"], "admin", "the caller becomes Admin by default");
    let bobs: Value = bob
        .get(&format!("/api/accounts/{org}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(bobs["role"], "owner");
    // Now the previous Owner may leave; the new one may not (last owner).
    let leave = format!("/api/accounts/{org}/leave");
    assert_problem(bob.post(&leave, json!({})).await, 409, ErrorCode::LastOwner).await;
    assert_eq!(
        olga.post(&leave, json!({})).await.status(),
        StatusCode::NO_CONTENT
    );
    // Transfer with a chosen role.
    let carol = app.register("carol@acme.test").await;
    app.join(&bob, org, &carol, OrgRole::Viewer).await;
    let done: Value = bob
        .post(
            &path,
            json!({"user_id": carol.id.to_string(), "new_role": "viewer"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(done["role"], "viewer");
    app.assert_seat_counters().await;
}

#[tokio::test]
async fn teams_are_listed_with_their_member_counts() {
    let app = TestApp::spawn().await;
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let bob = app.register("bob@acme.test").await;
    app.join(&olga, org, &bob, OrgRole::Tech).await;
    let teams: Value = bob
        .get(&format!("/api/accounts/{org}/teams"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(teams["items"][0]["name"], "My Team");
    assert_eq!(teams["items"][0]["members_count"], 2);
}

/// `text` for a URL's query.
fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
