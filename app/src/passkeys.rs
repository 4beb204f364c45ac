//! Passkeys in the browser: the server's WebAuthn options (the W3C's JSON
//! form, base64url bytes) become a `navigator.credentials` call through the
//! browser's own `PublicKeyCredential.parse…OptionsFromJSON`, and the
//! authenticator's answer comes back as the browser's `toJSON()` — the
//! WebAuthn Level 3 conversions, so no byte juggling happens here.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Why the browser made no passkey: a sentence for a person.
fn refusal(error: JsValue) -> String {
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

const UNSUPPORTED: &str =
    "This browser cannot use passkeys: update it, or use a code from your authenticator app.";

/// Calls `PublicKeyCredential[method](json)`.
fn parse_options(method: &str, json: &JsValue) -> Result<JsValue, String> {
    let class = Reflect::get(&js_sys::global(), &"PublicKeyCredential".into())
        .ok()
        .filter(|v| !v.is_undefined())
        .ok_or(UNSUPPORTED)?;
    let parse: Function = Reflect::get(&class, &method.into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or(UNSUPPORTED)?;
    parse.call1(&class, json).map_err(refusal)
}

/// The `publicKey` member of the server's options, as a JavaScript object.
fn public_key(options: &serde_json::Value) -> Result<JsValue, String> {
    let text = serde_json::to_string(&options["publicKey"]).map_err(|e| e.to_string())?;
    js_sys::JSON::parse(&text).map_err(|_| "The passkey options are unreadable.".to_owned())
}

/// `{ publicKey: parsed }`, the argument of `navigator.credentials.create`/`get`.
fn request(public_key: JsValue) -> Result<Object, String> {
    let wrapper = Object::new();
    Reflect::set(&wrapper, &"publicKey".into(), &public_key).map_err(refusal)?;
    Ok(wrapper)
}

/// The credential's `toJSON()`, as JSON for the server.
fn credential_json(credential: JsValue) -> Result<serde_json::Value, String> {
    let to_json: Function = Reflect::get(&credential, &"toJSON".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or(UNSUPPORTED)?;
    let json = to_json.call0(&credential).map_err(refusal)?;
    let text: String = js_sys::JSON::stringify(&json).map_err(refusal)?.into();
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

fn credentials() -> Result<web_sys::CredentialsContainer, String> {
    web_sys::window()
        .map(|w| w.navigator().credentials())
        .ok_or_else(|| UNSUPPORTED.to_owned())
}

/// Asks the browser to make a passkey from the server's creation options.
pub async fn create(options: serde_json::Value) -> Result<serde_json::Value, String> {
    let parsed = parse_options("parseCreationOptionsFromJSON", &public_key(&options)?)?;
    let options: web_sys::CredentialCreationOptions = request(parsed)?.unchecked_into();
    let promise = credentials()?
        .create_with_options(&options)
        .map_err(refusal)?;
    credential_json(JsFuture::from(promise).await.map_err(refusal)?)
}

/// Asks the browser to sign the server's challenge with one of the user's passkeys.
pub async fn get(options: serde_json::Value) -> Result<serde_json::Value, String> {
    let parsed = parse_options("parseRequestOptionsFromJSON", &public_key(&options)?)?;
    let options: web_sys::CredentialRequestOptions = request(parsed)?.unchecked_into();
    let promise = credentials()?.get_with_options(&options).map_err(refusal)?;
    credential_json(JsFuture::from(promise).await.map_err(refusal)?)
}
