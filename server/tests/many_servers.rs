//! Two server processes on one PostgreSQL database, a client's requests sent to
//! them in turn: a session made on one works on the other, a role change made
//! through one is enforced by the other at once, rate limits count across both
//! (their counters live in the database), and the concurrency rules hold when
//! the racing requests land on different servers. When nginx is installed, the
//! same client also goes through `deploy/nginx.conf`'s load balancer.
//!
//! Runs when `DATABASE_URL` names PostgreSQL (`./x.sh test` does that); on
//! SQLite, one process owns the file and there is nothing to show.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;
#[path = "support/process.rs"]
mod process;

use helpers::{new_organization, PASSWORD};
use process::{fresh_database, mailed_token, postgres_url, Server};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::path::Path;

/// A client whose cookie jar is shared by every server it talks to.
struct Person {
    client: Client,
    id: String,
}

fn client() -> Client {
    Client::builder().cookie_store(true).build().unwrap()
}

async fn register(server: &str, email: &str) -> Person {
    let client = client();
    let response = client
        .post(format!("{server}/api/auth/register"))
        .json(&json!({"email": email, "password": PASSWORD, "name": "Many", "account_type": "personal"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    Person {
        client,
        id: body["user"]["id"].as_str().unwrap().to_owned(),
    }
}

/// A new client signed in as `email` through `server`.
async fn sign_in(server: &str, email: &str) -> Client {
    let client = client();
    let response = client
        .post(format!("{server}/api/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "sign in as {email}");
    client
}

async fn send(client: &Client, method: &str, url: String, body: Value) -> (StatusCode, Value) {
    let request = client.request(method.parse().unwrap(), url);
    let request = if body.is_null() {
        request
    } else {
        request.json(&body)
    };
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Olga owns a funded organization; Bob, registered on the other server, is in
/// it as `role` (he verified his address through the first server, then
/// accepted by id).
async fn organization_with_bob(
    a: &str,
    b: &str,
    role: &str,
    outbox: &Path,
) -> (Person, Person, String) {
    let olga = register(a, &format!("olga-{}@many.test", uuid::Uuid::new_v4())).await;
    let bob_email = format!("bob-{}@many.test", uuid::Uuid::new_v4());
    let bob = register(b, &bob_email).await;
    let (status, org) = send(
        &olga.client,
        "POST",
        format!("{a}/api/accounts"),
        new_organization("Many", "eu-central"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let org = org["id"].as_str().unwrap().to_owned();
    let (status, _) = send(
        &olga.client,
        "POST",
        format!("{b}/api/accounts/{org}/funds"),
        json!({"amount_cents": 100_000}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(
        &olga.client,
        "PUT",
        format!("{a}/api/accounts/{org}/plan"),
        json!({"plan": "business"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, invitation) = send(
        &olga.client,
        "POST",
        format!("{b}/api/accounts/{org}/invitations"),
        json!({"email": bob_email, "role": role}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{invitation}");
    let id = invitation["id"].as_str().unwrap();
    let verification =
        mailed_token(outbox, &bob_email, "/verify-email").expect("a verification mail");
    let (status, _) = send(
        &bob.client,
        "POST",
        format!("{a}/api/auth/verify-email"),
        json!({ "token": verification }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(
        &bob.client,
        "POST",
        format!("{a}/api/invitations/{id}/accept"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    (olga, bob, org)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_one_postgres_database_behave_as_one() {
    if postgres_url().is_none() {
        println!("skipped: DATABASE_URL does not name PostgreSQL");
        return;
    }
    let (database_url, dir) = fresh_database("many").await;
    let env = [("ORGSPACE_LOGIN_FAILURES_PER_EMAIL", "4")];
    let one = Server::start(&database_url, &dir, &env);
    let two = Server::start(&database_url, &dir, &env);
    let (a, b) = (one.url.as_str(), two.url.as_str());

    // A session made on one server works on the other; signing out on the
    // other ends it on the first.
    let ana = register(a, "ana@many.test").await;
    let (status, me) = send(&ana.client, "GET", format!("{b}/api/me"), Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["user"]["id"], ana.id.as_str());
    let (status, _) = send(
        &ana.client,
        "POST",
        format!("{b}/api/auth/logout"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = send(&ana.client, "GET", format!("{a}/api/me"), Value::Null).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // A session signed out from the sessions list on one server stops working
    // on the other at once.
    let ana_phone = sign_in(b, "ana@many.test").await;
    let ana_laptop = sign_in(a, "ana@many.test").await;
    let (status, sessions) = send(
        &ana_phone,
        "GET",
        format!("{b}/api/me/sessions"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let phone_session = sessions["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = send(&ana_phone, "GET", format!("{a}/api/me"), Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(
        &ana_laptop,
        "DELETE",
        format!("{a}/api/me/sessions/{phone_session}"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for server in [a, b] {
        let (status, _) = send(&ana_phone, "GET", format!("{server}/api/me"), Value::Null).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "revoked through the other server"
        );
    }
    let (status, _) = send(&ana_laptop, "GET", format!("{b}/api/me"), Value::Null).await;
    assert_eq!(status, StatusCode::OK);

    // A role change through one server is enforced by the other at once.
    let (olga, bob, org) = organization_with_bob(a, b, "admin", &dir.join("outbox")).await;
    let (status, answer) = send(
        &bob.client,
        "GET",
        format!("{b}/api/accounts/{org}/billing"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "an Admin sees billing: {answer}");
    let (status, _) = send(
        &olga.client,
        "PATCH",
        format!("{a}/api/accounts/{org}/members/{}", bob.id),
        json!({"role": "viewer"}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = send(
        &bob.client,
        "GET",
        format!("{b}/api/accounts/{org}/billing"),
        Value::Null,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");

    // Sign-in failures count across both servers: 4 allowed in all, not 4 each.
    let anonymous = client();
    for (i, server) in [a, b, a, b].into_iter().enumerate() {
        let (status, _) = send(
            &anonymous,
            "POST",
            format!("{server}/api/auth/login"),
            json!({"email": "ana@many.test", "password": format!("wrong guess number {i}")}),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    for server in [a, b] {
        let response = anonymous
            .post(format!("{server}/api/auth/login"))
            .json(&json!({"email": "ana@many.test", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(response.headers().contains_key("retry-after"));
    }

    // Two Owners demoting each other at the same moment, each through a
    // different server: one demotion wins, an Owner always remains.
    for round in 0..10 {
        let (olga, bob, org) = organization_with_bob(a, b, "owner", &dir.join("outbox")).await;
        let demote_bob = send(
            &olga.client,
            "PATCH",
            format!("{a}/api/accounts/{org}/members/{}", bob.id),
            json!({"role": "admin"}),
        );
        let demote_olga = send(
            &bob.client,
            "PATCH",
            format!("{b}/api/accounts/{org}/members/{}", olga.id),
            json!({"role": "admin"}),
        );
        let ((first, _), (second, _)) = tokio::join!(demote_bob, demote_olga);
        assert!(
            first.is_success() || second.is_success(),
            "round {round}: {first} {second}"
        );
        let (_, members) = send(
            &olga.client,
            "GET",
            format!("{b}/api/accounts/{org}/members"),
            Value::Null,
        )
        .await;
        let owners = members["items"]
            .as_array()
            .map(|items| items.iter().filter(|m| m["role"] == "owner").count())
            .unwrap_or_else(|| panic!("round {round}: {members}"));
        assert_eq!(owners, 1, "round {round}: exactly one Owner remains");
    }

    // Invitations sent at once through both servers never pass the plan's seats.
    let owner = register(a, "seats@many.test").await;
    let (_, org) = send(
        &owner.client,
        "POST",
        format!("{a}/api/accounts"),
        new_organization("Seats", "eu-central"),
    )
    .await;
    let org = org["id"].as_str().unwrap().to_owned();
    send(
        &owner.client,
        "POST",
        format!("{a}/api/accounts/{org}/funds"),
        json!({"amount_cents": 10_000}),
    )
    .await;
    let (_, billing) = send(
        &owner.client,
        "GET",
        format!("{b}/api/accounts/{org}/billing"),
        Value::Null,
    )
    .await;
    let seats = billing["max_members"].as_u64().unwrap() as usize;
    let invitations = (0..seats + 4).map(|i| {
        let server = if i % 2 == 0 { a } else { b };
        send(
            &owner.client,
            "POST",
            format!("{server}/api/accounts/{org}/invitations"),
            json!({"email": format!("seat{i}@many.test"), "role": "viewer"}),
        )
    });
    let answers = futures::future::join_all(invitations).await;
    let created = answers
        .iter()
        .filter(|(status, _)| *status == StatusCode::CREATED)
        .count();
    assert_eq!(created, seats - 1, "the Owner holds one seat: {answers:?}");

    through_nginx(a, b, &dir).await;
    drop((one, two));
    let _ = std::fs::remove_dir_all(dir);
}

/// With nginx installed: `deploy/nginx.conf` in front of both servers; a session
/// made through it keeps working while nginx spreads the requests over both.
async fn through_nginx(a: &str, b: &str, dir: &std::path::Path) {
    let Some(nginx) = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
    else {
        println!("nginx is not installed: the load-balancer part is skipped");
        return;
    };
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let template =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../deploy/nginx.conf"))
            .unwrap();
    let upstreams = format!(
        "server {};\n        server {};",
        a.trim_start_matches("http://"),
        b.trim_start_matches("http://")
    );
    let config = template
        .replace(
            "server 127.0.0.1:8081;\n        server 127.0.0.1:8082;",
            &upstreams,
        )
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
        .replace("/var/log/nginx/", &format!("{}/", dir.display()))
        .replace("/run/nginx.pid", &format!("{}/nginx.pid", dir.display()));
    assert!(
        config.contains(&upstreams),
        "deploy/nginx.conf names two upstream servers"
    );
    let conf = dir.join("nginx.conf");
    std::fs::write(&conf, config).unwrap();
    let mut child = std::process::Command::new(nginx)
        .args(["-g", "daemon off;", "-p"])
        .arg(dir)
        .arg("-c")
        .arg(&conf)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let front = format!("http://127.0.0.1:{port}");
    let mut ready = false;
    for _ in 0..50 {
        if reqwest::get(format!("{front}/healthz")).await.is_ok() {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(ready, "nginx answers");
    let requests_on = |server: &str| {
        let url = format!("{server}/metrics");
        async move {
            let text = reqwest::get(url).await.unwrap().text().await.unwrap();
            text.lines()
                .filter(|l| l.starts_with("orgspace_http_requests_total"))
                .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
                .sum::<u64>()
        }
    };
    let before = (requests_on(a).await, requests_on(b).await);
    let zoe = register(&front, "zoe@many.test").await;
    for _ in 0..20 {
        let (status, _) = send(&zoe.client, "GET", format!("{front}/api/me"), Value::Null).await;
        assert_eq!(status, StatusCode::OK);
    }
    let after = (requests_on(a).await, requests_on(b).await);
    // Each count includes its own /metrics call; both took a share of the 21.
    assert!(
        after.0 - before.0 > 2 && after.1 - before.1 > 2,
        "nginx spreads the requests: {before:?} → {after:?}"
    );
    // `stop` ends the workers too (a SIGKILL to the master would leave them).
    let stopped = std::process::Command::new(nginx)
        .arg("-p")
        .arg(dir)
        .arg("-c")
        .arg(&conf)
        .args(["-s", "stop"])
        .status()
        .unwrap();
    assert!(stopped.success());
    let _ = child.wait();
}
