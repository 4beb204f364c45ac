//! Passkeys in the browser: the server's WebAuthn options become a call to
//! `navigator.credentials`, and the authenticator's answer becomes JSON for
//! the server. The conversions are the WebAuthn library's own
//! (`webauthn-rs-proto`, the server's library's project).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use webauthn_rs_proto::{
    CreationChallengeResponse, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse,
};

/// Why the browser made no passkey: a sentence for a person.
fn refusal(error: wasm_bindgen::JsValue) -> String {
    let name = error
        .dyn_ref::<web_sys::DomException>()
        .map(|e| e.name())
        .unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" => "The passkey request was cancelled or timed out.".into(),
        "InvalidStateError" => "This passkey is registered already.".into(),
        "NotSupportedError" | "SecurityError" => "This browser cannot use passkeys here.".into(),
        _ => "The browser could not use a passkey.".into(),
    }
}

fn credentials() -> Result<web_sys::CredentialsContainer, String> {
    web_sys::window()
        .map(|w| w.navigator().credentials())
        .ok_or_else(|| "This browser cannot use passkeys.".to_owned())
}

/// Asks the browser to make a passkey from the server's creation options.
pub async fn create(options: serde_json::Value) -> Result<serde_json::Value, String> {
    let options: CreationChallengeResponse =
        serde_json::from_value(options).map_err(|e| e.to_string())?;
    let options: web_sys::CredentialCreationOptions = options.into();
    let promise = credentials()?
        .create_with_options(&options)
        .map_err(refusal)?;
    let credential = JsFuture::from(promise).await.map_err(refusal)?;
    let credential: web_sys::PublicKeyCredential = credential
        .dyn_into()
        .map_err(|_| "The browser answered with no passkey.".to_owned())?;
    serde_json::to_value(RegisterPublicKeyCredential::from(credential)).map_err(|e| e.to_string())
}

/// Asks the browser to sign the server's challenge with one of the user's passkeys.
pub async fn get(options: serde_json::Value) -> Result<serde_json::Value, String> {
    let options: RequestChallengeResponse =
        serde_json::from_value(options).map_err(|e| e.to_string())?;
    let options: web_sys::CredentialRequestOptions = options.into();
    let promise = credentials()?.get_with_options(&options).map_err(refusal)?;
    let credential = JsFuture::from(promise).await.map_err(refusal)?;
    let credential: web_sys::PublicKeyCredential = credential
        .dyn_into()
        .map_err(|_| "The browser answered with no passkey.".to_owned())?;
    serde_json::to_value(PublicKeyCredential::from(credential)).map_err(|e| e.to_string())
}
