//! The real server binary as a child process, for tests that kill it or run
//! several on one database.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running server process and its address.
pub struct Server {
    pub child: Child,
    pub url: String,
}

impl Server {
    /// Starts `orgspace` on `database_url` (port chosen by the system) with
    /// `env` on top of the test defaults; returns once it listens.
    pub fn start(database_url: &str, dir: &Path, env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_orgspace"));
        command
            .env("DATABASE_URL", database_url)
            .env("ORGSPACE_ADDR", "127.0.0.1:0")
            .env("ORGSPACE_MAIL_OUTBOX", dir.join("outbox"))
            .env("ORGSPACE_APP_DIR", dir.join("no-app"))
            .env("ORGSPACE_REGISTRATIONS_PER_HOUR", "1000000")
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (name, value) in env {
            command.env(name, value);
        }
        let mut child = command.spawn().expect("the server binary starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("the server prints its address")
                .unwrap();
            if let Some(rest) = line.split("running at ").nth(1) {
                break rest.trim_end_matches('/').to_owned();
            }
        };
        // Keep draining its output so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server { child, url }
    }

    /// Ends the process at once (SIGKILL) and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A fresh database for one test and a scratch folder: a new SQLite file, or a
/// new PostgreSQL database next to the one `DATABASE_URL` names.
pub async fn fresh_database(prefix: &str) -> (String, PathBuf) {
    let dir = std::env::temp_dir().join(format!("orgspace-{prefix}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = match postgres_url() {
        Some(base) => {
            sqlx::any::install_default_drivers();
            let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
            let mut admin = <sqlx::AnyConnection as sqlx::Connection>::connect(&base)
                .await
                .unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await
                .unwrap();
            format!("{}/{name}", base.rsplit_once('/').unwrap().0)
        }
        None => format!("sqlite://{}?mode=rwc", dir.join("orgspace.db").display()),
    };
    (url, dir)
}

/// `DATABASE_URL` when it names PostgreSQL.
pub fn postgres_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
}

/// The token of the newest mail to `email` in `outbox` whose link opens `path`
/// (`/invitations/accept`), if one is there. Mails are quoted-printable.
pub fn mailed_token(outbox: &Path, email: &str, path: &str) -> Option<String> {
    let mut mails: Vec<PathBuf> = std::fs::read_dir(outbox)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    mails.sort();
    let needle = format!("{path}?token=");
    mails.iter().rev().find_map(|file| {
        let raw = std::fs::read_to_string(file).ok()?;
        let text = raw
            .replace("=\r\n", "")
            .replace("=\n", "")
            .replace("=3D", "=");
        if !text.contains(&format!("To: {email}")) {
            return None;
        }
        let start = text.find(&needle)? + needle.len();
        Some(
            text[start..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect(),
        )
    })
}
