//! Sending mail: SMTP when configured, otherwise one RFC 5322 `.eml` file per
//! message in the outbox folder, so the flows work on a laptop. Every message
//! is plain text with an HTML alternative; `templates` writes them.

pub mod templates;

use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use lettre::message::MultiPart;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

/// A message to send: the same words as plain text and as HTML.
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    /// Files in a folder (the default).
    Outbox(PathBuf),
    /// An SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Outbox(dir) => write!(f, "Outbox({})", dir.display()),
            Self::Smtp(_) => f.write_str("Smtp"),
        }
    }
}

impl Mailer {
    pub fn from_config(config: &Config) -> Result<Self, String> {
        match &config.smtp_url {
            Some(url) => AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map(|builder| Self::Smtp(builder.build()))
                .map_err(|e| format!("ORGSPACE_SMTP_URL: {e}")),
            None => Ok(Self::Outbox(config.mail_outbox.clone())),
        }
    }

    /// Sends `mail` from `from`.
    pub async fn send(&self, from: &str, mail: Mail) -> ApiResult<()> {
        let message = Message::builder()
            .from(
                from.parse()
                    .map_err(|e| ApiError::Internal(format!("mail from: {e}")))?,
            )
            .to(mail
                .to
                .parse()
                .map_err(|e| ApiError::Internal(format!("mail to: {e}")))?)
            .subject(mail.subject)
            .multipart(MultiPart::alternative_plain_html(mail.text, mail.html))
            .map_err(|e| ApiError::Internal(format!("mail: {e}")))?;
        match self {
            Self::Smtp(transport) => {
                transport
                    .send(message)
                    .await
                    .map_err(|e| ApiError::Internal(format!("smtp: {e}")))?;
                tracing::info!(to = %mail.to, "mail sent over SMTP");
            }
            Self::Outbox(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| ApiError::Internal(format!("outbox {}: {e}", dir.display())))?;
                let name = format!(
                    "{}-{}.eml",
                    crate::clock::now().as_millis(),
                    uuid::Uuid::now_v7()
                );
                let path = dir.join(name);
                tokio::fs::write(&path, message.formatted())
                    .await
                    .map_err(|e| ApiError::Internal(format!("outbox {}: {e}", path.display())))?;
                tracing::info!(to = %mail.to, file = %path.display(), "mail written to the outbox (no SMTP configured)");
            }
        }
        Ok(())
    }
}
