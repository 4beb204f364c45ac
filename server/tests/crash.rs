//! Crash safety: the real server binary runs a mixed write load (register,
//! create an organization, add funds, invite, accept, change roles) from
//! several clients while it is killed with SIGKILL at random moments, at least
//! 20 times, and restarted on the same database each time. Afterwards every
//! change that got a 2xx is in the database with its activity entry, every
//! invariant holds (≥ 1 Owner, the organization limit, one membership per user
//! and organization, seat counters equal to the rows, funds between what was
//! confirmed and what was attempted) and SQLite's `PRAGMA integrity_check` says
//! ok. On SQLite, and on PostgreSQL when `DATABASE_URL` names one.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

#[path = "support/process.rs"]
mod process;

use helpers::{new_organization, PASSWORD};
use process::{fresh_database, Server};
use rand::Rng;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

const KILLS: usize = 20;
const WORKERS: usize = 4;

/// What the clients were told happened (2xx), and what they only attempted.
#[derive(Default)]
struct Ledger {
    users: Vec<String>,
    /// Organization → its Owner.
    organizations: Vec<(String, String)>,
    /// Organization → cents confirmed, cents attempted.
    funds: HashMap<String, (i64, i64)>,
    invitations: Vec<(String, String)>,
    /// (organization, user) joined.
    joined: Vec<(String, String)>,
    /// (organization, user) → roles confirmed in order, and the last attempted.
    roles: HashMap<(String, String), (Vec<String>, String)>,
}

/// One client's rounds until `stop`: each round is a new Owner with a new
/// organization, funds, an invitee who accepts, and two role changes. A round is
/// abandoned at the first answer that is not a 2xx (the server was killed).
async fn worker(
    worker: usize,
    url: Arc<RwLock<String>>,
    ledger: Arc<Mutex<Ledger>>,
    stop: Arc<AtomicBool>,
    outbox: Arc<PathBuf>,
) {
    let mut round = 0;
    while !stop.load(Ordering::Relaxed) {
        round += 1;
        let _ = one_round(worker, round, &url, &ledger, &outbox).await;
    }
}

async fn one_round(
    worker: usize,
    round: usize,
    url: &RwLock<String>,
    ledger: &Mutex<Ledger>,
    outbox: &Path,
) -> Option<()> {
    let base = || url.read().unwrap().clone();
    let client = || {
        Client::builder()
            .cookie_store(true)
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap()
    };
    async fn ok(response: reqwest::Result<reqwest::Response>) -> Option<Value> {
        let response = response.ok()?;
        if !response.status().is_success() {
            return None;
        }
        if response.status() == StatusCode::NO_CONTENT {
            return Some(Value::Null);
        }
        response.json().await.ok()
    }
    let register = |client: Client, email: String| {
        let base = base();
        async move {
            let body = json!({"email": email, "password": PASSWORD, "name": "Crash Test", "account_type": "personal"});
            let me = ok(client
                .post(format!("{base}/api/auth/register"))
                .json(&body)
                .send()
                .await)
            .await?;
            Some(me["user"]["id"].as_str()?.to_owned())
        }
    };

    // Writes to the ledger (never held across an await).
    let note = |change: &dyn Fn(&mut Ledger)| change(&mut ledger.lock().unwrap());

    let owner_client = client();
    let owner = register(
        owner_client.clone(),
        format!("owner-{worker}-{round}@crash.test"),
    )
    .await?;
    note(&|l| l.users.push(owner.clone()));

    let org = ok(owner_client
        .post(format!("{}/api/accounts", base()))
        .json(&new_organization(
            &format!("Crash {worker}-{round}"),
            "eu-central",
        ))
        .send()
        .await)
    .await?;
    let org = org["id"].as_str()?.to_owned();
    note(&|l| l.organizations.push((org.clone(), owner.clone())));

    note(&|l| l.funds.entry(org.clone()).or_default().1 += 5_000);
    ok(owner_client
        .post(format!("{}/api/accounts/{org}/funds", base()))
        .header("idempotency-key", format!("crash-{worker}-{round}"))
        .json(&json!({"amount_cents": 5_000}))
        .send()
        .await)
    .await?;
    note(&|l| l.funds.entry(org.clone()).or_default().0 += 5_000);

    let invitee_client = client();
    let email = format!("invitee-{worker}-{round}@crash.test");
    let invitee = register(invitee_client.clone(), email.clone()).await?;
    note(&|l| l.users.push(invitee.clone()));

    let invitation = ok(owner_client
        .post(format!("{}/api/accounts/{org}/invitations", base()))
        .json(&json!({"email": email, "role": "viewer"}))
        .send()
        .await)
    .await?;
    let invitation = invitation["id"].as_str()?.to_owned();
    note(&|l| l.invitations.push((org.clone(), invitation.clone())));

    // The invitee follows the mailed link, which also verifies their address.
    let token = process::mailed_token(outbox, &email, "/invitations/accept")?;
    ok(invitee_client
        .post(format!("{}/api/invitations/accept-token", base()))
        .json(&json!({ "token": token }))
        .send()
        .await)
    .await?;
    note(&|l| l.joined.push((org.clone(), invitee.clone())));

    for role in ["tech", "admin"] {
        let key = (org.clone(), invitee.clone());
        note(&|l| l.roles.entry(key.clone()).or_default().1 = role.to_owned());
        ok(owner_client
            .patch(format!("{}/api/accounts/{org}/members/{invitee}", base()))
            .json(&json!({"role": role}))
            .send()
            .await)
        .await?;
        note(&|l| {
            l.roles
                .entry(key.clone())
                .or_default()
                .0
                .push(role.to_owned())
        });
    }
    Some(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_confirmed_change_survives_sigkill_and_the_invariants_hold() {
    let (database_url, dir) = fresh_database("crash").await;
    let mut server = Server::start(&database_url, &dir, &[]);
    let url = Arc::new(RwLock::new(server.url.clone()));
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..WORKERS)
        .map(|w| {
            let outbox = Arc::new(dir.join("outbox"));
            tokio::spawn(worker(w, url.clone(), ledger.clone(), stop.clone(), outbox))
        })
        .collect();

    let mut kills = 0;
    let mut confirmed_between_kills = Vec::new();
    // Everything confirmed so far but role changes and funds.
    let progress = |l: &Ledger| l.users.len() + l.organizations.len() + l.joined.len();
    while kills < KILLS {
        let before = ledger.lock().unwrap().users.len();
        let started = progress(&ledger.lock().unwrap());
        let wait = rand::thread_rng().gen_range(200..1000);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        // On a busy machine (a debug build hashing passwords, other tests) the
        // restarted server may not have confirmed anything yet: let the load
        // get something through before the next kill, waiting up to 30 s.
        for _ in 0..600 {
            if progress(&ledger.lock().unwrap()) > started {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server.kill(); // SIGKILL
        kills += 1;
        confirmed_between_kills.push(ledger.lock().unwrap().users.len() - before);
        server = Server::start(&database_url, &dir, &[]);
        *url.write().unwrap() = server.url.clone();
    }
    // A last stretch without kills, then a clean stop.
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await.unwrap();
    }
    server.kill();

    let ledger = std::mem::take(&mut *ledger.lock().unwrap());
    println!(
        "{kills} kills; confirmed: {} users, {} organizations, {} joins, {} role changes",
        ledger.users.len(),
        ledger.organizations.len(),
        ledger.joined.len(),
        ledger
            .roles
            .values()
            .map(|(done, _)| done.len())
            .sum::<usize>()
    );
    assert!(
        ledger.joined.len() >= 5,
        "the load got through between kills ({confirmed_between_kills:?})"
    );
    verify(&database_url, &ledger).await;
    let _ = std::fs::remove_dir_all(dir);
}

async fn verify(database_url: &str, ledger: &Ledger) {
    sqlx::any::install_default_drivers();
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(1)
        .connect(database_url)
        .await
        .unwrap();
    let count = |sql: &'static str, args: Vec<String>| {
        let pool = pool.clone();
        async move {
            let mut q = sqlx::query_scalar::<_, i64>(sql);
            for arg in args {
                q = q.bind(arg);
            }
            q.fetch_one(&pool).await.unwrap()
        }
    };
    // Activity entries of `event` in `org`, about `target` if given.
    let entries = |org: &str, event: &str, target: Option<&str>| {
        let mut args = vec![org.to_owned(), event.to_owned()];
        args.extend(target.map(str::to_owned));
        let sql = match target {
            Some(_) => "SELECT COUNT(*) FROM activity WHERE account_id = $1 AND event = $2 AND target_id = $3",
            None => "SELECT COUNT(*) FROM activity WHERE account_id = $1 AND event = $2",
        };
        count(sql, args)
    };
    for user in &ledger.users {
        let n = count(
            "SELECT COUNT(*) FROM users WHERE id = $1",
            vec![user.clone()],
        )
        .await;
        assert_eq!(n, 1, "confirmed user {user}");
    }
    for (org, owner) in &ledger.organizations {
        let n = count(
            "SELECT COUNT(*) FROM memberships WHERE account_id = $1 AND user_id = $2 AND role = 'owner'",
            vec![org.clone(), owner.clone()],
        )
        .await;
        assert_eq!(n, 1, "confirmed organization {org} with its Owner");
        let logged = entries(org, "org.created", None).await;
        assert_eq!(logged, 1, "org.created of {org}");
    }
    for (org, (confirmed, attempted)) in &ledger.funds {
        let credit = count(
            "SELECT credit_cents FROM accounts WHERE id = $1",
            vec![org.clone()],
        )
        .await;
        assert!(
            *confirmed <= credit && credit <= *attempted,
            "credit of {org}: {credit}, confirmed {confirmed}, attempted {attempted}"
        );
        let logged = entries(org, "funds.added", None).await;
        assert_eq!(
            logged * 5_000,
            credit,
            "a funds.added entry per payment of {org}"
        );
    }
    for (org, invitation) in &ledger.invitations {
        let logged = entries(org, "member.invited", Some(invitation)).await;
        assert_eq!(logged, 1, "member.invited {invitation}");
    }
    for (org, user) in &ledger.joined {
        let n = count(
            "SELECT COUNT(*) FROM memberships WHERE account_id = $1 AND user_id = $2",
            vec![org.clone(), user.clone()],
        )
        .await;
        assert_eq!(n, 1, "confirmed join of {user} to {org}");
        let logged = entries(org, "member.joined", Some(user)).await;
        assert_eq!(logged, 1, "member.joined of {user}");
    }
    for ((org, user), (done, attempted)) in &ledger.roles {
        let role: String = sqlx::query_scalar(
            "SELECT role FROM memberships WHERE account_id = $1 AND user_id = $2",
        )
        .bind(org)
        .bind(user)
        .fetch_one(&pool)
        .await
        .unwrap();
        // The last confirmed role, or the one attempted after it.
        let allowed: Vec<&str> = done
            .last()
            .map(String::as_str)
            .into_iter()
            .chain([attempted.as_str()])
            .collect();
        if !done.is_empty() {
            assert!(
                allowed.contains(&role.as_str()),
                "role of {user}: {role}, allowed {allowed:?}"
            );
        }
        let logged = entries(org, "member.role_changed", Some(user)).await;
        assert!(
            logged as usize >= done.len(),
            "member.role_changed of {user}: {logged} < {}",
            done.len()
        );
    }

    // Invariants over everything in the database.
    let ownerless = count(
        "SELECT COUNT(*) FROM accounts a WHERE NOT EXISTS
            (SELECT 1 FROM memberships m WHERE m.account_id = a.id AND m.role = 'owner')",
        vec![],
    )
    .await;
    assert_eq!(ownerless, 0, "every account has an Owner");
    let over_limit = count(
        "SELECT COUNT(*) FROM (SELECT m.user_id FROM memberships m JOIN accounts a ON a.id = m.account_id
            WHERE a.kind = 'organization' GROUP BY m.user_id HAVING COUNT(*) > 5) o",
        vec![],
    )
    .await;
    assert_eq!(over_limit, 0, "nobody is in more than 5 organizations");
    let drifted = count(
        "SELECT COUNT(*) FROM accounts a WHERE a.members_count <> (SELECT COUNT(*) FROM memberships m WHERE m.account_id = a.id)
            OR a.pending_invitations <> (SELECT COUNT(*) FROM invitations i WHERE i.account_id = a.id AND i.status = 'pending')",
        vec![],
    )
    .await;
    assert_eq!(drifted, 0, "seat counters equal the rows");
    let orphans = count(
        "SELECT COUNT(*) FROM memberships m WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = m.user_id)
            OR NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = m.account_id)",
        vec![],
    )
    .await;
    assert_eq!(orphans, 0, "memberships belong to users and accounts");
    let personal = count(
        "SELECT COUNT(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.personal_user_id = u.id)",
        vec![],
    )
    .await;
    assert_eq!(personal, 0, "every user has a personal account");
    if database_url.starts_with("sqlite") {
        let check: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(check, "ok", "SQLite integrity_check");
    }
}
