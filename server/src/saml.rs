//! SAML 2.0 sign-in (SPEC §16) through the `samael` crate, whose signature
//! checks are xmlsec's: Orgspace is one service provider per organization
//! (its entity id is its metadata's URL), sends the browser to the identity
//! provider with an AuthnRequest (HTTP-Redirect binding) and reads the signed
//! answer posted to its assertion consumer service (HTTP-POST binding).
//!
//! An answer is accepted only when xmlsec verifies its signature (of the
//! response or of the assertion) with a certificate of the organization's IdP
//! metadata, by an allowed algorithm; when it comes from that IdP (issuer),
//! for this organization (audience) at this ACS (destination, recipient),
//! within its time (issue instant, NotBefore, NotOnOrAfter, with a minute of
//! clock skew); and when it answers the request this browser started
//! (InResponseTo). The replay cache (an assertion id accepted once) is the
//! caller's, in the database that every server process shares.

use domain::sso::SsoFailure;
use samael::crypto::AllowedSignatureAlgorithm;
use samael::metadata::{EntityDescriptor, HTTP_REDIRECT_BINDING};
use samael::schema::Assertion;
use samael::service_provider::{Error as SpError, ServiceProvider, ServiceProviderBuilder};
use samael::traits::ToXml;

/// Clock skew allowed between Orgspace and the identity provider.
const CLOCK_SKEW_SECONDS: i64 = 60;
/// How old a response or assertion may be when it arrives.
const MAX_ISSUE_DELAY_SECONDS: i64 = 90;
const EMAIL_NAME_ID: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

/// Where one organization's service provider lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    /// The metadata's URL, which is also the entity id.
    pub metadata_url: String,
    pub acs_url: String,
}

impl Endpoints {
    pub fn new(base_url: &str, account: domain::AccountId) -> Self {
        Self {
            metadata_url: format!("{base_url}/api/sso/{account}/saml/metadata"),
            acs_url: format!("{base_url}/api/sso/saml/acs"),
        }
    }
}

/// What Orgspace uses from an identity provider's metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdpMetadata {
    pub entity_id: String,
    /// The single sign-on service of the HTTP-Redirect binding.
    pub sso_url: String,
}

/// Reads an identity provider's metadata: it must name the provider, its
/// HTTP-Redirect single sign-on service and at least one signing certificate
/// (without one no answer could be checked). The reason when it does not.
pub fn read_idp_metadata(xml: &str) -> Result<IdpMetadata, String> {
    let metadata: EntityDescriptor = xml
        .parse()
        .map_err(|e| format!("is not SAML metadata XML ({e})"))?;
    let entity_id = metadata
        .entity_id
        .clone()
        .filter(|id| !id.trim().is_empty())
        .ok_or("names no entity id (the EntityDescriptor's entityID)")?;
    if metadata
        .idp_sso_descriptors
        .as_ref()
        .is_none_or(Vec::is_empty)
    {
        return Err("describes no identity provider (no IDPSSODescriptor)".into());
    }
    let sp = ServiceProvider {
        idp_metadata: metadata,
        ..ServiceProvider::default()
    };
    let sso_url = sp
        .sso_binding_location(HTTP_REDIRECT_BINDING)
        .ok_or("offers no single sign-on service with the HTTP-Redirect binding")?;
    if !(sso_url.starts_with("https://") || sso_url.starts_with("http://")) {
        return Err(format!(
            "names a single sign-on URL that is not a web address ({sso_url})"
        ));
    }
    match sp.idp_signing_certs() {
        Ok(Some(certs)) if !certs.is_empty() => Ok(IdpMetadata { entity_id, sso_url }),
        Ok(_) => Err("has no signing certificate: Orgspace could not check any answer".into()),
        Err(e) => Err(format!(
            "has a signing certificate that cannot be read ({e})"
        )),
    }
}

fn service_provider(
    endpoints: &Endpoints,
    idp_metadata_xml: &str,
) -> Result<ServiceProvider, String> {
    let idp_metadata: EntityDescriptor = idp_metadata_xml
        .parse()
        .map_err(|e| format!("the IdP metadata: {e}"))?;
    ServiceProviderBuilder::default()
        .entity_id(endpoints.metadata_url.clone())
        .metadata_url(endpoints.metadata_url.clone())
        .acs_url(endpoints.acs_url.clone())
        .slo_url(None)
        .idp_metadata(idp_metadata)
        .authn_name_id_format(Some(EMAIL_NAME_ID.to_owned()))
        .max_issue_delay(chrono_seconds(MAX_ISSUE_DELAY_SECONDS))
        .max_clock_skew(chrono_seconds(CLOCK_SKEW_SECONDS))
        // Every answer must answer a request of ours (checked by the caller
        // after the replay cache, so a replay is told as one).
        .allow_idp_initiated(true)
        .allowed_signature_algorithms(Some(vec![
            AllowedSignatureAlgorithm::RsaSha256,
            AllowedSignatureAlgorithm::RsaSha384,
            AllowedSignatureAlgorithm::RsaSha512,
            AllowedSignatureAlgorithm::EcdsaSha256,
            AllowedSignatureAlgorithm::EcdsaSha384,
            AllowedSignatureAlgorithm::EcdsaSha512,
        ]))
        .build()
        .map_err(|e| format!("the service provider: {e}"))
}

fn chrono_seconds(seconds: i64) -> chrono::Duration {
    chrono::Duration::seconds(seconds)
}

/// The service provider's metadata for the identity provider (no single
/// logout: Orgspace's sessions end in Orgspace).
pub fn sp_metadata(endpoints: &Endpoints) -> Result<String, String> {
    let sp = ServiceProvider {
        entity_id: Some(endpoints.metadata_url.clone()),
        metadata_url: Some(endpoints.metadata_url.clone()),
        acs_url: Some(endpoints.acs_url.clone()),
        slo_url: Some(endpoints.acs_url.clone()),
        authn_name_id_format: Some(EMAIL_NAME_ID.to_owned()),
        ..ServiceProvider::default()
    };
    let mut metadata = sp.metadata().map_err(|e| e.to_string())?;
    for descriptor in metadata.sp_sso_descriptors.iter_mut().flatten() {
        descriptor.single_logout_services = None;
        descriptor.name_id_formats = Some(vec![EMAIL_NAME_ID.to_owned()]);
    }
    metadata.to_string().map_err(|e| e.to_string())
}

/// A request sent to the identity provider.
#[derive(Clone, Debug)]
pub struct Request {
    /// Where to send the browser (the request deflated into the URL).
    pub url: String,
    /// The id the answer must be InResponseTo.
    pub id: String,
}

/// The AuthnRequest for one sign-in, its RelayState `relay_state`.
pub fn authn_request(
    endpoints: &Endpoints,
    idp_metadata_xml: &str,
    relay_state: &str,
) -> Result<Request, String> {
    let sp = service_provider(endpoints, idp_metadata_xml)?;
    let sso_url = sp
        .sso_binding_location(HTTP_REDIRECT_BINDING)
        .ok_or("the IdP has no HTTP-Redirect single sign-on service")?;
    let mut request = sp
        .make_authentication_request(&sso_url)
        .map_err(|e| e.to_string())?;
    // An id nobody can guess (the library's has 32 random bits); XML ids
    // start with a letter or an underscore.
    request.id = format!("_{}", crate::secrets::random_token());
    let url = request
        .redirect(relay_state)
        .map_err(|e| e.to_string())?
        .ok_or("the request has no destination")?;
    Ok(Request {
        url: url.to_string(),
        id: request.id,
    })
}

/// What a verified answer says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The assertion's id, for the replay cache.
    pub assertion_id: String,
    /// Until when the assertion could be accepted (milliseconds since the
    /// epoch): how long the replay cache keeps it.
    pub valid_until_millis: i64,
    /// The requests it answers (its bearer confirmations' InResponseTo).
    pub in_response_to: Vec<String>,
    /// The address: the NameID when it is one, else an `email` or `mail` attribute.
    pub email: Option<String>,
    pub name: Option<String>,
}

/// A refused answer: the reason and what the library said.
#[derive(Debug)]
pub struct Refusal {
    pub failure: SsoFailure,
    pub detail: String,
}

fn refusal(error: &SpError) -> SsoFailure {
    match error {
        SpError::FailedToValidateSignature | SpError::CryptoXmlError(_) => {
            SsoFailure::SignatureInvalid
        }
        SpError::AssertionExpired { .. }
        | SpError::ResponseExpired { .. }
        | SpError::AssertionConditionExpired { .. }
        | SpError::AssertionConditionExpiredBefore { .. }
        | SpError::AssertionSubjectConfirmationExpired { .. }
        | SpError::AssertionSubjectConfirmationExpiredBefore { .. } => SsoFailure::Expired,
        SpError::AssertionConditionAudienceRestrictionFailed { .. }
        | SpError::DestinationValidationError { .. }
        | SpError::AssertionRecipientMismatch { .. }
        | SpError::AssertionIssuerMismatch { .. }
        | SpError::ResponseIssuerMismatch { .. } => SsoFailure::AudienceMismatch,
        SpError::ResponseBadStatusCode { .. } => SsoFailure::ProviderRefused,
        _ => SsoFailure::TokenRefused,
    }
}

/// Checks the base64 `SAMLResponse` posted to the ACS (blocking: xmlsec).
pub fn verify(
    endpoints: &Endpoints,
    idp_metadata_xml: &str,
    saml_response: &str,
) -> Result<Answer, Refusal> {
    let sp = service_provider(endpoints, idp_metadata_xml).map_err(|detail| Refusal {
        failure: SsoFailure::Unavailable,
        detail,
    })?;
    use base64::Engine;
    let xml = base64::engine::general_purpose::STANDARD
        .decode(saml_response.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| Refusal {
            failure: SsoFailure::TokenRefused,
            detail: "the SAMLResponse is not base64 XML".into(),
        })?;
    let assertion = sp.parse_xml_response(&xml, None).map_err(|e| Refusal {
        failure: refusal(&e),
        detail: e.to_string(),
    })?;
    Ok(answer(&assertion))
}

fn answer(assertion: &Assertion) -> Answer {
    let subject = assertion.subject.as_ref();
    let confirmations = subject
        .and_then(|s| s.subject_confirmations.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|c| c.subject_confirmation_data.as_ref());
    let in_response_to = confirmations
        .clone()
        .filter_map(|d| d.in_response_to.clone())
        .collect();
    let latest = confirmations
        .filter_map(|d| d.not_on_or_after)
        .chain(
            assertion
                .conditions
                .as_ref()
                .and_then(|c| c.not_on_or_after),
        )
        .map(|t| t.timestamp_millis())
        .max();
    let issued = assertion.issue_instant.timestamp_millis();
    let window = (MAX_ISSUE_DELAY_SECONDS + CLOCK_SKEW_SECONDS) * 1000;
    let valid_until_millis = latest.unwrap_or(issued).max(issued) + window;
    let attribute = |names: &[&str]| {
        assertion
            .attribute_statements
            .iter()
            .flatten()
            .flat_map(|s| s.attributes.iter())
            .find(|a| {
                let named = |n: &Option<String>| {
                    n.as_deref()
                        .is_some_and(|n| names.iter().any(|want| n.eq_ignore_ascii_case(want)))
                };
                named(&a.name) || named(&a.friendly_name)
            })
            .and_then(|a| a.values.iter().find_map(|v| v.value.clone()))
    };
    let name_id = subject.and_then(|s| s.name_id.as_ref());
    let email = name_id
        .filter(|n| n.format.as_deref() == Some(EMAIL_NAME_ID) || n.value.contains('@'))
        .map(|n| n.value.trim().to_owned())
        .or_else(|| {
            attribute(&[
                "email",
                "mail",
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
            ])
        });
    Answer {
        assertion_id: assertion.id.clone(),
        valid_until_millis,
        in_response_to,
        email,
        name: attribute(&["name", "displayName", "cn"]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const METADATA: &str = r#"<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.acme.test/metadata">
  <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>CERT</X509Certificate></X509Data></KeyInfo></KeyDescriptor>
    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.acme.test/sso"/>
  </IDPSSODescriptor>
</EntityDescriptor>"#;

    fn certificate() -> String {
        let pem = include_str!("../../end2end/idp/saml-keys/idp-cert.pem");
        pem.lines().filter(|l| !l.starts_with("-----")).collect()
    }

    fn metadata() -> String {
        METADATA.replace("CERT", &certificate())
    }

    #[test]
    fn idp_metadata_names_the_provider_its_sign_in_url_and_a_certificate() {
        assert_eq!(
            read_idp_metadata(&metadata()),
            Ok(IdpMetadata {
                entity_id: "https://idp.acme.test/metadata".into(),
                sso_url: "https://idp.acme.test/sso".into(),
            })
        );
        let unsigned = metadata().replace(
            &metadata()[metadata().find("<KeyDescriptor").unwrap()
                ..metadata().find("</KeyDescriptor>").unwrap() + "</KeyDescriptor>".len()],
            "",
        );
        assert!(read_idp_metadata(&unsigned)
            .unwrap_err()
            .contains("no signing certificate"));
        let post_only = metadata().replace("HTTP-Redirect", "HTTP-POST");
        assert!(read_idp_metadata(&post_only)
            .unwrap_err()
            .contains("HTTP-Redirect"));
        assert!(read_idp_metadata("<nope")
            .unwrap_err()
            .starts_with("is not SAML metadata"));
        let no_id = metadata().replace(r#" entityID="https://idp.acme.test/metadata""#, "");
        assert!(read_idp_metadata(&no_id).is_err());
    }

    #[test]
    fn the_request_goes_to_the_idp_with_an_unguessable_id_and_the_relay_state() {
        let endpoints = Endpoints {
            metadata_url: "https://orgspace.test/api/sso/x/saml/metadata".into(),
            acs_url: "https://orgspace.test/api/sso/saml/acs".into(),
        };
        let request = authn_request(&endpoints, &metadata(), "relay").unwrap();
        assert!(request
            .url
            .starts_with("https://idp.acme.test/sso?SAMLRequest="));
        assert!(request.url.ends_with("&RelayState=relay"));
        assert!(
            request.id.starts_with('_') && request.id.len() > 40,
            "{}",
            request.id
        );
        let sp = sp_metadata(&endpoints).unwrap();
        assert!(
            sp.contains(r#"entityID="https://orgspace.test/api/sso/x/saml/metadata""#),
            "{sp}"
        );
        assert!(sp.contains("https://orgspace.test/api/sso/saml/acs"));
        assert!(sp.contains(r#"WantAssertionsSigned="true""#));
        assert!(!sp.contains("SingleLogoutService"));
    }

    #[test]
    fn an_answer_that_is_not_signed_xml_is_refused() {
        let endpoints = Endpoints::new(
            "https://orgspace.test",
            domain::AccountId::from_uuid(uuid::Uuid::nil()),
        );
        let refused = verify(&endpoints, &metadata(), "not base64!").unwrap_err();
        assert_eq!(refused.failure, SsoFailure::TokenRefused);
        use base64::Engine;
        let unsigned = base64::engine::general_purpose::STANDARD.encode(
            r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1" Version="2.0" IssueInstant="2026-12-02T00:00:00Z"/>"#,
        );
        let refused = verify(&endpoints, &metadata(), &unsigned).unwrap_err();
        assert_eq!(
            refused.failure,
            SsoFailure::SignatureInvalid,
            "{}",
            refused.detail
        );
    }
}
