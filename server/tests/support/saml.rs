//! A real SAML 2.0 identity provider on loopback for the tests:
//! `end2end/idp/saml.mjs`, built on `samlify` from npm (installed by
//! `./x.sh test` into `end2end/node_modules`), and a browser-like walk
//! through it: its sign-in form, then the form its page posts to Orgspace.

use reqwest::{Client, Response, StatusCode, Url};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The provider's process, stopped when dropped.
pub struct SamlIdp {
    child: Child,
    pub base: String,
}

impl Drop for SamlIdp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SamlIdp {
    /// Starts the provider on a free loopback port.
    pub fn start() -> Self {
        let port = crate::tool::free_port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../end2end/idp/saml.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .arg(port.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node runs the SAML identity provider (./x.sh test installs samlify)");
        crate::tool::wait_until_ready(&mut child, "the SAML identity provider");
        Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Its metadata, as an administrator downloads it for Orgspace.
    pub async fn metadata(&self) -> String {
        let answer = reqwest::get(format!("{}/metadata", self.base))
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
        answer.text().await.unwrap()
    }
}

/// The hidden and named fields of the first form in `html`, and its action.
fn form_of(html: &str) -> (String, Vec<(String, String)>) {
    let attribute = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        let value = &tag[start..];
        Some(unescape(&value[..value.find('"')?]))
    };
    let form = &html[html.find("<form").expect("a form")..];
    let action = attribute(&form[..form.find('>').unwrap()], "action").unwrap();
    let fields = form
        .split("<input")
        .skip(1)
        .filter_map(|input| {
            let tag = &input[..input.find('>')?];
            Some((attribute(tag, "name")?, attribute(tag, "value")?))
        })
        .collect();
    (action, fields)
}

fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("&#") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find(';').unwrap() + at;
        let code: u32 = rest[at + 2..end].parse().unwrap();
        out.push(char::from_u32(code).unwrap());
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// What the provider's page posts to Orgspace: the ACS URL and the form.
#[derive(Clone, Debug)]
pub struct Posted {
    pub acs: Url,
    pub saml_response: String,
    pub relay_state: String,
}

/// At the provider (where `redirect_url` sends the browser), signs in as
/// `email`, answering as `mode` asks (`valid`, `impostor`, `wrong-audience`,
/// `expired`); what its page would post to Orgspace.
pub async fn sign_in_at_idp(
    browser: &Client,
    redirect_url: &str,
    email: &str,
    mode: &str,
) -> Posted {
    let page = browser.get(redirect_url).send().await.unwrap();
    let page_url = page.url().clone();
    assert_eq!(page.status(), StatusCode::OK, "the provider's sign-in page");
    let (action, mut fields) = form_of(&page.text().await.unwrap());
    fields.push(("email".into(), email.into()));
    fields.push(("password".into(), "any password".into()));
    fields.push(("mode".into(), mode.into()));
    let answer = browser
        .post(page_url.join(&action).unwrap())
        .form(&fields)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    let html = answer.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "the provider answers: {html}");
    let (acs, fields) = form_of(&html);
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    Posted {
        acs: Url::parse(&acs).unwrap(),
        saml_response: field("SAMLResponse"),
        relay_state: field("RelayState"),
    }
}

/// Posts `posted` to Orgspace from `browser`, as the provider's page does
/// (from its own site); where Orgspace sends the browser.
pub async fn post_to_orgspace(browser: &Client, posted: &Posted) -> String {
    let answer: Response = browser
        .post(posted.acs.clone())
        .header("origin", "http://127.0.0.1:1")
        .header("sec-fetch-site", "cross-site")
        .form(&[
            ("SAMLResponse", posted.saml_response.as_str()),
            ("RelayState", posted.relay_state.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    answer.headers()["location"].to_str().unwrap().to_owned()
}
