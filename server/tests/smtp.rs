//! Mail over real SMTP: the server binary sends to an SMTP server on loopback
//! (aiosmtpd from PyPI, `tools/smtp_sink.py`), and what arrives is read with a
//! MIME parser: multipart/alternative, a plain-text and an HTML part, both
//! quoted-printable, the same link in each — and following it works.
//!
//! Needs Python with aiosmtpd: `./x.sh test` installs it into
//! `target/test-venv`; elsewhere set `ORGSPACE_TEST_PYTHON` to such a Python.

// Shared with the crash and two-servers tests; this one needs part of it.
#[allow(dead_code)]
#[path = "support/process.rs"]
mod process;
#[path = "support/tool.rs"]
mod tool;

use mailparse::{MailHeaderMap, ParsedMail};
use process::{fresh_database, Server};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tool::Tool;

const PASSWORD: &str = "correct horse battery staple";

/// The SMTP server, stopped when dropped.
struct Sink {
    tool: Tool,
    dir: PathBuf,
}

fn start_sink(dir: &Path) -> Sink {
    Sink {
        tool: tool::start("smtp_sink.py", &[dir.to_str().unwrap()]),
        dir: dir.to_owned(),
    }
}

/// The raw messages the SMTP server received so far, oldest first.
fn received(sink: &Sink) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(&sink.dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.iter().map(|f| std::fs::read(f).unwrap()).collect()
}

/// Waits (up to 10 s) for the `n`th message and returns it.
async fn message(sink: &Sink, n: usize) -> Vec<u8> {
    for _ in 0..200 {
        if let Some(raw) = received(sink).into_iter().nth(n - 1) {
            return raw;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("message {n} did not arrive");
}

/// The link to `path` in both parts of a multipart/alternative mail, checked
/// to be the same; returns its token.
fn token_in(mail: &ParsedMail, path: &str) -> String {
    assert_eq!(mail.ctype.mimetype, "multipart/alternative");
    assert_eq!(mail.subparts.len(), 2);
    let mut tokens = Vec::new();
    for (part, mimetype) in mail.subparts.iter().zip(["text/plain", "text/html"]) {
        assert_eq!(part.ctype.mimetype, mimetype);
        assert_eq!(part.ctype.charset, "utf-8");
        assert_eq!(
            part.headers
                .get_first_value("Content-Transfer-Encoding")
                .as_deref(),
            Some("quoted-printable"),
            "{mimetype} is quoted-printable"
        );
        let body = part.get_body().unwrap();
        let needle = format!("{path}?token=");
        let start = body
            .find(&needle)
            .unwrap_or_else(|| panic!("{mimetype} has the link: {body}"))
            + needle.len();
        let token: String = body[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        tokens.push(token);
    }
    assert_eq!(tokens[0], tokens[1], "the same link in both parts");
    assert!(tokens[0].len() >= 43, "a 256-bit token");
    tokens.remove(0)
}

#[tokio::test]
async fn verification_and_reset_mails_arrive_over_smtp_and_their_links_work() {
    let (database_url, dir) = fresh_database("smtp").await;
    let sink = start_sink(&dir.join("received"));
    let smtp = format!("smtp://127.0.0.1:{}", sink.tool.port);
    let server = Server::start(
        &database_url,
        &dir,
        &[
            ("ORGSPACE_SMTP_URL", &smtp),
            ("ORGSPACE_MAIL_FROM", "Orgspace <no-reply@orgspace.test>"),
        ],
    );
    let url = server.url.clone();
    let client = Client::builder().cookie_store(true).build().unwrap();
    let registered = client
        .post(format!("{url}/api/auth/register"))
        .json(&json!({"email": "zoë.ana@acme.test", "password": PASSWORD, "name": "Zoë Ana", "account_type": "personal"}))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), StatusCode::CREATED);

    let raw = message(&sink, 1).await;
    let mail = mailparse::parse_mail(&raw).unwrap();
    assert_eq!(
        mail.headers.get_first_value("X-Envelope-To").as_deref(),
        Some("zoë.ana@acme.test")
    );
    assert_eq!(
        mail.headers.get_first_value("From").as_deref(),
        Some("Orgspace <no-reply@orgspace.test>")
    );
    assert_eq!(
        mail.headers.get_first_value("Subject").as_deref(),
        Some("Verify your email for Orgspace")
    );
    let html = mail.subparts[1].get_body().unwrap();
    assert!(
        html.contains("Hello Zoë Ana,"),
        "UTF-8 survives quoted-printable"
    );
    let token = token_in(&mail, "/verify-email");
    let verified = Client::new()
        .post(format!("{url}/api/auth/verify-email"))
        .json(&json!({"token": token}))
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), StatusCode::OK);
    let body: Value = verified.json().await.unwrap();
    assert_eq!(body["user"]["email_verified"], true);

    let asked = Client::new()
        .post(format!("{url}/api/auth/password-reset"))
        .json(&json!({"email": "zoë.ana@acme.test"}))
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
    let raw = message(&sink, 2).await;
    let mail = mailparse::parse_mail(&raw).unwrap();
    assert_eq!(
        mail.headers.get_first_value("Subject").as_deref(),
        Some("Reset your Orgspace password")
    );
    let token = token_in(&mail, "/reset-password");
    let reset = Client::new()
        .post(format!("{url}/api/auth/password-reset/confirm"))
        .json(&json!({"token": token, "password": "a passphrase from the mail"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    let raw = message(&sink, 3).await;
    let notice = mailparse::parse_mail(&raw).unwrap();
    assert_eq!(
        notice.headers.get_first_value("Subject").as_deref(),
        Some("Your Orgspace password changed")
    );
    assert!(notice.subparts[0]
        .get_body()
        .unwrap()
        .contains("reset through a mailed link"));
    assert_eq!(
        client
            .get(format!("{url}/api/me"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED,
        "the reset ended the session"
    );
    drop(server);
    let _ = std::fs::remove_dir_all(dir);
}
