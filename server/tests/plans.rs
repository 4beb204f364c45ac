//! No request-path query scans `memberships`, `invitations`, `activity`,
//! `sessions`, `email_tokens`, `passkeys`, `recovery_codes`,
//! `pending_sign_ins` or `link_requests` in proportion to the table's size, nor
//! `accounts` in the hierarchy's queries (those naming `parent_id`). A journey calls every endpoint (with each
//! list's filters and cursors); every SQL statement the server ran is captured
//! from sqlx's statement log and the SQLite readers' (`store::readers`) and asked `EXPLAIN QUERY PLAN` on SQLite: a `SCAN`
//! of one of those tables (by name or alias) fails the test. An index `SEARCH`
//! bounded by the account, user or key is what they must use; a page of
//! `activity` must also come in the order of that index, not be sorted after.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use domain::OrgRole;
use helpers::*;
use serde_json::{json, Value};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// The tables whose full scans would grow with the product's use.
const WATCHED: [&str; 9] = [
    "memberships",
    "invitations",
    "activity",
    "sessions",
    "email_tokens",
    "passkeys",
    "recovery_codes",
    "pending_sign_ins",
    "link_requests",
];

/// Partial indexes a statement may read whole: the users with `@` in their
/// name (an address search tests them all, at most `SEARCH_CANDIDATES` + 1 of
/// them under its `LIMIT`).
const BOUNDED_SCANS: [&str; 1] = ["users_named_with_at"];

#[derive(Default)]
struct Statement {
    summary: String,
    full: String,
}

impl Visit for Statement {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "summary" => self.summary = value.to_owned(),
            "db.statement" => self.full = value.to_owned(),
            _ => {}
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if matches!(field.name(), "summary" | "db.statement") {
            self.record_str(field, format!("{value:?}").trim_matches('"'));
        }
    }
}

/// Keeps every statement sqlx and the SQLite readers log.
struct Capture(Arc<Mutex<BTreeSet<String>>>);

impl<S: tracing::Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let target = event.metadata().target();
        if target != "sqlx::query" && target != orgspace_server::store::readers::STATEMENT_LOG {
            return;
        }
        let mut statement = Statement::default();
        event.record(&mut statement);
        let sql = if statement.full.trim().is_empty() {
            statement.summary
        } else {
            statement.full.trim().to_owned()
        };
        self.0.lock().unwrap().insert(sql);
    }
}

/// `alias → table` for the watched tables named in `FROM` or `JOIN`.
fn aliases(sql: &str) -> BTreeMap<String, String> {
    // The hierarchy's queries walk `accounts` by parent: by its index only.
    let hierarchy = sql.contains("parent_id");
    // An address search finds its users by one range of an index.
    let by_address = sql.contains("email_local_reversed");
    let words: Vec<String> = sql
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut map = BTreeMap::new();
    for (i, word) in words.iter().enumerate() {
        if (word == "from" || word == "join") && i + 1 < words.len() {
            let table = &words[i + 1];
            let watched = WATCHED.contains(&table.as_str())
                || (hierarchy && table == "accounts")
                || (by_address && table == "users");
            if !watched {
                continue;
            }
            map.insert(table.clone(), table.clone());
            let mut next = i + 2;
            if words.get(next).is_some_and(|w| w == "as") {
                next += 1;
            }
            if let Some(alias) = words.get(next) {
                let keyword = [
                    "where", "join", "left", "inner", "on", "order", "group", "limit", "set",
                ]
                .contains(&alias.as_str());
                if !keyword {
                    map.insert(alias.clone(), table.clone());
                }
            }
        }
    }
    map
}

/// Calls every endpoint, with filters and cursors, as people and scripts would.
async fn journey(app: &TestApp) {
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    let a = |path: &str| format!("/api/accounts/{org}{path}");
    olga.fund(org, 5_000).await;
    olga.put(&a("/plan"), json!({"plan": "business"})).await;
    let tess = app.register("tess@acme.test").await;
    let uma = app.register("uma@acme.test").await;
    let vic = app.register("vic@acme.test").await;
    app.join(&olga, org, &tess, OrgRole::Tech).await;
    let uma_invitation = app
        .invite(&olga, org, "uma@acme.test", OrgRole::Viewer)
        .await;
    let uma_invitation = uma_invitation["id"].as_str().unwrap().to_owned();
    uma.get("/api/invitations").await;
    uma.post(
        &format!("/api/invitations/{uma_invitation}/accept"),
        json!({}),
    )
    .await;
    let vic_invitation = app
        .invite(&olga, org, "vic@acme.test", OrgRole::Viewer)
        .await;
    let token = app.token_for("vic@acme.test");
    vic.post("/api/invitations/preview", json!({"token": token}))
        .await;
    let vic_invitation = vic_invitation["id"].as_str().unwrap().to_owned();
    olga.post(
        &a(&format!("/invitations/{vic_invitation}/resend")),
        json!({}),
    )
    .await;
    vic.post(
        &format!("/api/invitations/{vic_invitation}/decline"),
        json!({}),
    )
    .await;
    let wes = app.invite(&olga, org, "wes@acme.test", OrgRole::Tech).await;
    olga.delete(&a(&format!("/invitations/{}", wes["id"].as_str().unwrap())))
        .await;
    for query in ["", "?status=pending", "?status=revoked", "?limit=1"] {
        let page: Value = olga
            .get(&a(&format!("/invitations{query}")))
            .await
            .json()
            .await
            .unwrap();
        if let Some(cursor) = page["next_cursor"].as_str() {
            olga.get(&a(&format!("/invitations?limit=1&cursor={cursor}")))
                .await;
        }
    }
    // Past the size searched by reading: searches go through the trigram index.
    let big = olga.create_organization("Big", "eu-central").await;
    app.add_filler_members(big, 1001).await;
    let members_of_big = format!("/api/accounts/{big}/members");
    for query in [
        "?q=olga@",
        "?q=olga@acme.test",
        "?q=nobody-is-called-this",
        "?q=filler1&limit=5",
    ] {
        let page: Value = olga
            .get(&format!("{members_of_big}{query}"))
            .await
            .json()
            .await
            .unwrap();
        if let Some(cursor) = page["next_cursor"].as_str() {
            olga.get(&format!("{members_of_big}{query}&cursor={cursor}"))
                .await;
        }
    }
    for query in ["", "?q=tess", "?q=acme.test", "?q=te", "?limit=1"] {
        let page: Value = olga
            .get(&a(&format!("/members{query}")))
            .await
            .json()
            .await
            .unwrap();
        if let Some(cursor) = page["next_cursor"].as_str() {
            olga.get(&a(&format!("/members?limit=1&cursor={cursor}")))
                .await;
        }
    }
    let web = olga.create_team(org, "Web").await;
    olga.patch(&a(&format!("/teams/{web}")), json!({"name": "Frontend"}))
        .await;
    olga.set_team_role(org, &web, &tess, "team_member").await;
    olga.get(&a("/teams")).await;
    let made: Value = tess
        .post(
            &a("/instances"),
            json!({"name": "web-1", "size": "small", "team_id": web}),
        )
        .await
        .json()
        .await
        .unwrap();
    tess.post(&a("/instances"), json!({"name": "web-2", "size": "small"}))
        .await;
    for query in ["", "?limit=1", &format!("?team_id={web}")] {
        let page: Value = tess
            .get(&a(&format!("/instances{query}")))
            .await
            .json()
            .await
            .unwrap();
        if let Some(cursor) = page["next_cursor"].as_str() {
            tess.get(&a(&format!("/instances?limit=1&cursor={cursor}")))
                .await;
        }
        olga.get(&a(&format!("/instances{query}"))).await;
    }
    tess.delete(&a(&format!("/instances/{}", made["id"].as_str().unwrap())))
        .await;
    let (key, bearer) = create_key(&tess, org).await;
    create_key(&tess, org).await;
    let with_key = app
        .anonymous()
        .get(app.url(&a("/instances")))
        .bearer_auth(&bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(with_key.status(), 200);
    for query in ["", "?limit=1"] {
        let page: Value = olga
            .get(&a(&format!("/api-keys{query}")))
            .await
            .json()
            .await
            .unwrap();
        if let Some(cursor) = page["next_cursor"].as_str() {
            olga.get(&a(&format!("/api-keys?limit=1&cursor={cursor}")))
                .await;
        }
        tess.get(&a(&format!("/api-keys{query}"))).await;
    }
    olga.delete(&a(&format!("/api-keys/{key}"))).await;
    let since = "2000-01-01T00:00:00Z";
    let until = "2100-01-01T00:00:00Z";
    for query in [
        String::new(),
        "?event=member.invited".into(),
        "?event=member.*".into(),
        format!("?actor={}", tess.id),
        format!("?since={since}&until={until}"),
        format!("?event=team.*&actor={}&since={since}", olga.id),
        "?limit=2".into(),
    ] {
        let sep = if query.is_empty() { "?" } else { "&" };
        let page: Value = olga
            .get(&a(&format!("/activity{query}")))
            .await
            .json()
            .await
            .unwrap();
        if let Some(cursor) = page["next_cursor"].as_str() {
            olga.get(&a(&format!("/activity{query}{sep}cursor={cursor}")))
                .await;
        }
        olga.get(&a(&format!("/activity/export{query}{sep}format=csv")))
            .await
            .text()
            .await
            .unwrap();
        olga.get(&a(&format!("/activity/daily{query}"))).await;
    }
    olga.get(&a("/billing")).await;
    olga.get(&a("")).await;
    olga.patch(&a(""), json!({"name": "Acme Corp"})).await;
    olga.patch(
        &a(&format!("/members/{}", uma.id)),
        json!({"role": "admin"}),
    )
    .await;
    olga.delete(&a(&format!("/teams/{web}/members/{}", tess.id)))
        .await;
    olga.delete(&a(&format!("/teams/{web}"))).await;
    olga.delete(&a(&format!("/members/{}", uma.id))).await;
    tess.post(&a("/leave"), json!({})).await;
    app.join(&olga, org, &tess, OrgRole::Admin).await;
    olga.post(&a("/transfer-ownership"), json!({"user_id": tess.id}))
        .await;
    olga.get("/api/me").await;
    olga.get("/api/accounts").await;
    let beta = olga.create_organization("Beta", "eu-central").await;
    olga.delete(&format!("/api/accounts/{beta}")).await;
    identity_journey(app, &olga).await;
    two_factor_journey(app).await;
    hierarchy_journey(app).await;
    olga.post("/api/auth/logout", json!({})).await;
    let client = app.anonymous();
    client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "olga@acme.test", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
}

/// SPEC §14: the user's own endpoints and the mailed links.
async fn identity_journey(app: &TestApp, olga: &User) {
    let xena = app.register_unverified("xena@acme.test").await;
    let resent = xena.post("/api/me/verification-email", json!({})).await;
    assert_eq!(resent.status(), 202);
    app.verify_from_mail(&xena, "xena@acme.test").await;
    xena.patch("/api/me", json!({"name": "Xena W."})).await;
    let moved = xena
        .put(
            "/api/me/email",
            json!({"email": "xena@beta.test", "password": PASSWORD}),
        )
        .await;
    assert_eq!(moved.status(), 202);
    app.verify_from_mail(&xena, "xena@beta.test").await;
    let sessions: Value = xena.get("/api/me/sessions").await.json().await.unwrap();
    let current = sessions["items"][0]["id"].as_str().unwrap().to_owned();
    xena.delete(&format!("/api/me/sessions/{current}-gone"))
        .await;
    xena.delete("/api/me/sessions").await;
    let forgot = json!({"email": "xena@beta.test"});
    app.anonymous()
        .post(app.url("/api/auth/password-reset"))
        .json(&forgot)
        .send()
        .await
        .unwrap();
    let token = eventually_token(app, "xena@beta.test", "/reset-password").await;
    let reset = app
        .anonymous()
        .post(app.url("/api/auth/password-reset/confirm"))
        .json(&json!({"token": token, "password": "a brand new passphrase"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 204);
    let xena = app.login("xena@beta.test", "a brand new passphrase").await;
    xena.get("/api/me/deletion").await;
    let deleted = xena
        .request(
            "DELETE",
            "/api/me".into(),
            json!({"password": "a brand new passphrase"}),
        )
        .await;
    assert_eq!(deleted.status(), 204);
    olga.get("/api/me/deletion").await;
    olga.get("/api/me/sessions").await;
}

/// SPEC §15: second factors, signing in with one, and an organization's policy.
async fn two_factor_journey(app: &TestApp) {
    let (quinn, org) = app.register_organization("quinn@acme.test", "Quorum").await;
    let rita = app.register("rita@acme.test").await;
    app.join(&quinn, org, &rita, OrgRole::Viewer).await;
    let secrets = app.enable_two_factor(&quinn).await;
    let fresh = quinn
        .post(
            "/api/me/two-factor/recovery-codes",
            json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(fresh.status(), 200);
    quinn.get("/api/me/two-factor/passkeys").await;
    let on = quinn
        .patch(
            &format!("/api/accounts/{org}"),
            json!({"require_two_factor": true}),
        )
        .await;
    assert_eq!(on.status(), 200);
    let blocked = rita.get(&format!("/api/accounts/{org}/members")).await;
    assert_eq!(blocked.status(), 403);
    quinn.get(&format!("/api/accounts/{org}/members")).await;
    let (_, signed_in) = app
        .sign_in_two_steps(
            "quinn@acme.test",
            PASSWORD,
            json!({"code": totp_code(&secrets.secret, 0)}),
        )
        .await;
    assert_eq!(signed_in.status(), 200);
    let refused = quinn
        .request(
            "DELETE",
            "/api/me/two-factor".into(),
            json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(refused.status(), 409);
    quinn
        .patch(
            &format!("/api/accounts/{org}"),
            json!({"require_two_factor": false}),
        )
        .await;
    let off = quinn
        .request(
            "DELETE",
            "/api/me/two-factor".into(),
            json!({"password": PASSWORD}),
        )
        .await;
    assert_eq!(off.status(), 204);
}

/// SPEC §17: children, links and requests, inherited access, the roll-up.
async fn hierarchy_journey(app: &TestApp) {
    let (hana, root) = app
        .register_organization("hana@holding.test", "Holding")
        .await;
    let a = |path: &str| format!("/api/accounts/{root}{path}");
    let child: Value = hana
        .post(
            &a("/children"),
            json!({"name": "Division", "region": "eu-north", "billing": "parent"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let child = child["id"].as_str().unwrap().to_owned();
    let grandchild: Value = hana
        .post(
            &format!("/api/accounts/{child}/children"),
            json!({"name": "Unit", "region": "eu-north", "billing": "own"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(grandchild["id"].is_string(), "{grandchild}");
    let (ivan, other) = app.register_organization("ivan@other.test", "Other").await;
    let asked: Value = hana
        .post(&a("/links"), json!({"child_id": other.to_string()}))
        .await
        .json()
        .await
        .unwrap();
    let request = asked["request"]["id"].as_str().unwrap().to_owned();
    ivan.get(&format!("/api/accounts/{other}/link-requests"))
        .await;
    let accepted = ivan
        .post(
            &format!("/api/accounts/{other}/link-requests/{request}/accept"),
            json!({}),
        )
        .await;
    assert_eq!(accepted.status(), 200);
    hana.get(&format!("/api/accounts/{other}")).await;
    hana.get(&format!("/api/accounts/{other}/members")).await;
    hana.get("/api/accounts").await;
    for query in ["", "?limit=1"] {
        let page: Value = hana
            .get(&a(&format!("/children{query}")))
            .await
            .json()
            .await
            .unwrap();
        if let Some(cursor) = page["next_cursor"].as_str() {
            hana.get(&a(&format!("/children?limit=1&cursor={cursor}")))
                .await;
        }
    }
    hana.get(&a("/report")).await;
    hana.get(&a("/report?format=csv")).await;
    hana.get(&a("/activity?include_descendants=true")).await;
    hana.put(
        &format!("/api/accounts/{child}/billing-mode"),
        json!({"billing": "own"}),
    )
    .await;
    let unlinked = ivan.delete(&a(&format!("/links/{other}"))).await;
    assert_eq!(unlinked.status(), 204);
    let refused = hana.delete(&a("")).await;
    assert_eq!(refused.status(), 409);
}

/// The watched tables `sql` scans, per `EXPLAIN QUERY PLAN` — and a page of
/// `activity` sorted beside its read (`USE TEMP B-TREE FOR ORDER BY` next to
/// the `SEARCH`): that read every entry in its range to return a page.
async fn scans_in(db: &mut sqlx::AnyConnection, sql: &str) -> Vec<String> {
    let watched = aliases(sql);
    let plan = sqlx::raw_sql(&format!("EXPLAIN QUERY PLAN {sql}"))
        .fetch_all(&mut *db)
        .await
        .unwrap_or_else(|e| panic!("EXPLAIN {sql}: {e}"));
    let nodes: Vec<(i64, String)> = plan
        .iter()
        .map(|row| {
            (
                row.try_get("parent").unwrap(),
                row.try_get("detail").unwrap(),
            )
        })
        .collect();
    let paged = sql.to_lowercase().contains(" limit ");
    let mut scans = Vec::new();
    for (parent, detail) in &nodes {
        let (read, rest) = match (detail.strip_prefix("SCAN "), detail.strip_prefix("SEARCH ")) {
            (Some(rest), _) => ("SCAN", rest),
            (None, Some(rest)) => ("SEARCH", rest),
            (None, None) => continue,
        };
        let name = rest
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_lowercase();
        let Some(table) = watched.get(&name) else {
            continue;
        };
        let sorted_beside = nodes
            .iter()
            .any(|(p, d)| p == parent && d.starts_with("USE TEMP B-TREE FOR ORDER BY"));
        if read == "SCAN" && !is_bounded_scan(detail) {
            scans.push(format!("{table} ({detail}) in:\n{sql}"));
        } else if table == "activity" && paged && sorted_beside {
            scans.push(format!("{table} ({detail}, then sorted) in:\n{sql}"));
        }
    }
    scans
}

/// Whether the plan step `detail` reads one of [`BOUNDED_SCANS`]' indexes.
fn is_bounded_scan(detail: &str) -> bool {
    detail
        .split_once(" INDEX ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .is_some_and(|index| BOUNDED_SCANS.contains(&index))
}

/// The `SELECT`s that `GET path` as `user` ran (it must answer 200).
async fn reads_of(statements: &Mutex<BTreeSet<String>>, user: &User, path: &str) -> Vec<String> {
    statements.lock().unwrap().clear();
    assert_eq!(user.get(path).await.status(), 200, "{path}");
    statements
        .lock()
        .unwrap()
        .iter()
        .filter(|sql| sql.trim_start().to_lowercase().starts_with("select"))
        .cloned()
        .collect()
}

/// How many of `statements` were explained, and the scans found in them.
async fn scans_in_each(
    db: &mut sqlx::AnyConnection,
    statements: impl Iterator<Item = &String>,
) -> (usize, Vec<String>) {
    let (mut checked, mut scans) = (0, Vec::new());
    for sql in statements {
        checked += 1;
        scans.extend(scans_in(db, sql).await);
    }
    (checked, scans)
}

#[tokio::test]
async fn no_request_path_query_scans_members_invitations_or_activity() {
    if std::env::var("DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) {
        // The plans are SQLite's; PostgreSQL's planner picks by statistics.
        return;
    }
    let statements = Arc::new(Mutex::new(BTreeSet::new()));
    tracing_subscriber::registry()
        .with(tracing_subscriber::EnvFilter::new(
            "warn,sqlx::query=debug,orgspace::sql=debug",
        ))
        .with(Capture(statements.clone()))
        .init();
    let app = TestApp::spawn().await;
    // The migrations ran at start-up; the request path is what follows.
    statements.lock().unwrap().clear();
    journey(&app).await;

    let mut conn = app.store.pool().acquire().await.unwrap();
    // The check itself sees a scan where there is one.
    let bad =
        "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.role = $1";
    assert_eq!(
        scans_in(&mut conn, bad).await.len(),
        1,
        "a scan is detected"
    );
    let sorted =
        "SELECT a.id FROM activity a WHERE a.account_id IN ($1, $2) ORDER BY a.id DESC LIMIT 51";
    assert_eq!(
        scans_in(&mut conn, sorted).await.len(),
        1,
        "a page sorted outside its index is detected"
    );

    let ran = statements.lock().unwrap().clone();
    let request_path = ran.iter().filter(|sql| {
        let lower = sql.to_lowercase();
        let skip = lower.starts_with("insert") || lower.starts_with("explain");
        !aliases(sql).is_empty() && !skip && !lower.contains("_sqlx_migrations")
    });
    let (checked, scans) = scans_in_each(&mut conn, request_path).await;
    println!("{checked} statements on the watched tables checked");
    assert!(
        checked >= 40,
        "the journey ran the request-path queries ({checked} checked)"
    );
    assert!(scans.is_empty(), "full scans:\n\n{}", scans.join("\n\n"));
    assert!(
        ran.iter().any(|sql| sql.contains("email_local_reversed")),
        "an address search in a large organization went by the local parts' index"
    );
    drop(conn);

    // Issue 18: a request to an account's endpoint is authenticated and its
    // access read in one statement, so looking at the account is one round
    // trip (session, user, membership, account and ancestors together).
    let (nina, nina_org) = app.register_organization("nina@acme.test", "Nina Co").await;
    let reads = reads_of(&statements, &nina, &format!("/api/accounts/{nina_org}")).await;
    assert_eq!(
        reads.len(),
        1,
        "one statement for GET /api/accounts/{{id}}: {reads:#?}"
    );
    assert!(reads[0].contains("token_hash") && reads[0].contains("memberships"));
    // A page of members is the access, the page and its members' teams: the
    // organization's size, which chooses how the page is read, comes with the
    // access.
    let members = format!("/api/accounts/{nina_org}/members?q=nina");
    let reads = reads_of(&statements, &nina, &members).await;
    assert_eq!(
        reads.len(),
        3,
        "the access, the page and its teams: {reads:#?}"
    );
    assert!(!reads.iter().any(|sql| sql.contains("SELECT members_count")));
    // Who am I is the session with its user, then the accounts with the
    // second factors and invitations counted.
    let reads = reads_of(&statements, &nina, "/api/me").await;
    assert_eq!(
        reads.len(),
        2,
        "GET /api/me: the session, then the accounts with the counts"
    );

    // Statistics of `accounts` from when no organization had children
    // (`ANALYZE` run early, as the benchmark's seed does) once led SQLite to walk
    // every child account for the caller's list; the hierarchy's reads keep
    // their plans with such statistics too. The connection that explains loads
    // them.
    let mut conn = app.store.pool().acquire().await.unwrap();
    sqlx::raw_sql(
        "ANALYZE accounts;
         DELETE FROM sqlite_stat1 WHERE idx = 'accounts_by_parent';
         INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('accounts', 'accounts_by_parent', '0 0 0 0');
         ANALYZE sqlite_schema;",
    )
    .execute(&mut *conn)
    .await
    .unwrap();
    let hierarchy = ran.iter().filter(|sql| {
        let lower = sql.to_lowercase();
        lower.starts_with("select") && lower.contains("parent_id")
    });
    let (checked, scans) = scans_in_each(&mut conn, hierarchy).await;
    assert!(checked >= 5, "the hierarchy's reads ({checked} checked)");
    assert!(
        scans.is_empty(),
        "full scans with early statistics:\n\n{}",
        scans.join("\n\n")
    );
}
