//! No secret reaches the logs: a journey through everything that handles one
//! (passwords at registration, sign-in, failed sign-in and password change;
//! session cookies; API key tokens; invitation links) runs with every log
//! event of every target captured at TRACE level, sqlx's statements included,
//! and none of those secrets may appear in the text.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use domain::OrgRole;
use helpers::*;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};
use tracing_subscriber::fmt::MakeWriter;

/// Every formatted log line, kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// The session token in a response's `Set-Cookie`.
fn session_of(response: &reqwest::Response) -> String {
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    let value = cookie.split(';').next().unwrap();
    value.split_once('=').unwrap().1.to_owned()
}

#[tokio::test]
async fn no_secret_reaches_the_logs() {
    let captured = Captured::default();
    tracing_subscriber::fmt()
        .with_env_filter("trace")
        .with_writer(captured.clone())
        .with_ansi(false)
        .init();

    let app = TestApp::spawn().await;
    let mut secrets = vec![PASSWORD.to_owned()];
    let (olga, org) = app.register_organization("olga@acme.test", "Acme").await;
    olga.fund(org, 5_000).await;

    // Sign-in: a wrong password, then the right one (a session token).
    let plain = reqwest::Client::new();
    let wrong = "a wrong guess of a password";
    secrets.push(wrong.to_owned());
    for password in [wrong, PASSWORD] {
        let response = plain
            .post(app.url("/api/auth/login"))
            .json(&json!({"email": "olga@acme.test", "password": password}))
            .send()
            .await
            .unwrap();
        if response.status().is_success() {
            let session = session_of(&response);
            let me = plain
                .get(app.url("/api/me"))
                .header("cookie", format!("orgspace_session={session}"))
                .send()
                .await
                .unwrap();
            assert!(me.status().is_success());
            secrets.push(session);
        }
    }

    // An API key, used.
    let (_, token) = create_key(&olga, org).await;
    let used = plain
        .get(app.url(&format!("/api/accounts/{org}/members")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(used.status().is_success());
    let (_, secret) = token.split_once('.').unwrap();
    secrets.push(secret.to_owned());

    // An invitation link, previewed and accepted.
    app.invite(&olga, org, "uma@acme.test", OrgRole::Viewer)
        .await;
    let invitation = app.token_for("uma@acme.test");
    let uma = app.register("uma@acme.test").await;
    uma.post("/api/invitations/preview", json!({"token": invitation}))
        .await;
    let accepted = uma
        .post(
            "/api/invitations/accept-token",
            json!({"token": invitation}),
        )
        .await;
    assert!(accepted.status().is_success(), "{}", accepted.status());
    secrets.push(invitation);

    // A password change.
    let new_password = "the new passphrase of olga";
    let changed = olga
        .put(
            "/api/me/password",
            json!({"current_password": PASSWORD, "new_password": new_password}),
        )
        .await;
    assert!(changed.status().is_success());
    secrets.push(new_password.to_owned());

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("INSERT INTO sessions") && logs.contains("api_keys"),
        "the capture sees the server's statements"
    );
    for secret in &secrets {
        assert!(
            !logs.contains(secret.as_str()),
            "a secret ({}…) is in the logs",
            &secret[..4]
        );
    }
}
