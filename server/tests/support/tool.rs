//! Real servers the tests run from `tools/` (SMTP from aiosmtpd, DNS from
//! dnslib, both from PyPI): a child process on a free loopback port, ready
//! once it prints "ready", stopped when dropped.
//!
//! Needs Python with those packages: `./x.sh test` installs them into
//! `target/test-venv`; elsewhere set `ORGSPACE_TEST_PYTHON` to such a Python.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A tool's process, stopped when dropped.
pub struct Tool {
    child: Child,
    pub port: u16,
}

impl Drop for Tool {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("ORGSPACE_TEST_PYTHON") {
        return PathBuf::from(python);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/test-venv/bin/python");
    assert!(
        venv.exists(),
        "no Python with the test tools: run ./x.sh test (it installs one into target/test-venv), or set ORGSPACE_TEST_PYTHON"
    );
    venv
}

/// A port no one listens on (TCP and, in practice, UDP) right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `tools/{script}` with the port first and `args` after; waits for "ready".
pub fn start(script: &str, args: &[&str]) -> Tool {
    let port = free_port();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tools")
        .join(script);
    let mut child = Command::new(python())
        .arg(path)
        .arg(port.to_string())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("{script} starts: {e}"));
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("{script} says it is ready"))
        .unwrap();
    assert_eq!(first, "ready", "{script}");
    Tool { child, port }
}

/// Waits until `child` prints "ready" (`what` names it in the panic), then
/// keeps reading what it prints, or it dies writing to a closed pipe.
#[allow(dead_code)] // the identity providers of the API tests; smtp.rs has none
pub fn wait_until_ready(child: &mut Child, what: &str) {
    let mut lines = BufReader::new(child.stdout.take().expect("a piped stdout")).lines();
    let ready = lines.by_ref().any(|line| line.is_ok_and(|l| l == "ready"));
    assert!(ready, "{what} says it is ready");
    std::thread::spawn(move || for _ in lines {});
}
