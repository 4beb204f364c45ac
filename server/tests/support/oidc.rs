//! A real OpenID provider on loopback for the tests: `end2end/idp/oidc.mjs`,
//! panva's certified `oidc-provider` from npm (installed by `./x.sh test` into
//! `end2end/node_modules`), and a browser-like walk through its login form.

use reqwest::redirect::Policy;
use reqwest::{Client, Response, StatusCode, Url};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub const CLIENT_ID: &str = "orgspace";
pub const CLIENT_SECRET: &str = "a client secret only these tests know";

/// The provider's process, stopped when dropped.
pub struct OidcProvider {
    child: Child,
    pub port: u16,
    pub issuer: String,
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl OidcProvider {
    /// Starts the provider on `port` (a free one when `None`) for a client
    /// that returns to `redirect_uri`, signing with a new key named `key_id`.
    pub fn start(redirect_uri: &str, key_id: &str, port: Option<u16>) -> Self {
        let port = port.unwrap_or_else(|| {
            std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port()
        });
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/idp/oidc.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .args([
                &port.to_string(),
                CLIENT_ID,
                CLIENT_SECRET,
                redirect_uri,
                key_id,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("node runs the OpenID provider (./x.sh test installs oidc-provider)");
        crate::tool::wait_until_ready(&mut child, "the OpenID provider");
        Self {
            child,
            port,
            issuer: format!("http://127.0.0.1:{port}"),
        }
    }
}

/// A browser: cookies kept per host, redirects followed by [`follow`].
pub fn browser() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// Follows redirects from `response` (GET), at most 10; the first answer that
/// is not one.
pub async fn follow(browser: &Client, mut response: Response) -> Response {
    for _ in 0..10 {
        if !response.status().is_redirection() {
            return response;
        }
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let next = response.url().join(&location).unwrap();
        response = browser.get(next).send().await.unwrap();
    }
    panic!("more than 10 redirects");
}

/// At the provider's login form (the page `response` shows), signs in as
/// `login` and follows the provider's answer until it leaves for `until`'s
/// host: the response redirecting there (not followed).
pub async fn log_in_at_provider(browser: &Client, response: Response, login: &str) -> Response {
    let page_url = response.url().clone();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the provider's login page"
    );
    let html = response.text().await.unwrap();
    let action = html
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a login form");
    let action: Url = page_url.join(action).unwrap();
    let mut answer = browser
        .post(action)
        .form(&[
            ("prompt", "login"),
            ("login", login),
            ("password", "any password"),
        ])
        .send()
        .await
        .unwrap();
    // Through the provider's own redirects, up to the one leaving it.
    for _ in 0..10 {
        assert!(answer.status().is_redirection(), "{}", answer.status());
        let location = answer.headers()["location"].to_str().unwrap().to_owned();
        let next = answer.url().join(&location).unwrap();
        if next.port() != page_url.port() || next.host_str() != page_url.host_str() {
            return answer;
        }
        answer = browser.get(next).send().await.unwrap();
    }
    panic!("the provider never sent the browser back");
}

/// Where `response` redirects to.
pub fn location(response: &Response) -> Url {
    let location = response.headers()["location"].to_str().unwrap();
    response.url().join(location).unwrap()
}
