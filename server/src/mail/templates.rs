//! The mails Orgspace sends, each as plain text and as HTML with the same words.
//! Every value a person typed (a name, an organization, a note) is escaped in
//! the HTML; links are built from the deployment's public address.

use super::Mail;
use domain::api::{InvitationView, LinkRequestView};
use domain::Timestamp;

/// `text` with HTML's special characters escaped, for element content and
/// quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One message's parts before they become text and HTML.
struct Message<'a> {
    to: &'a str,
    subject: String,
    greeting: String,
    /// Paragraphs, as plain text (escaped for the HTML).
    paragraphs: Vec<String>,
    /// The link to follow, with the button's words.
    action: Option<(&'a str, String)>,
    /// A quoted note (an invitation's), if any.
    quote: Option<String>,
    /// The closing line: why they got this mail, what to do if unexpected.
    footer: String,
}

impl Message<'_> {
    fn build(self) -> Mail {
        let mut text = format!("{}\n\n", self.greeting);
        for paragraph in &self.paragraphs {
            text.push_str(paragraph);
            text.push_str("\n\n");
        }
        if let Some(quote) = &self.quote {
            text.push_str(&format!("    {}\n\n", quote.replace('\n', "\n    ")));
        }
        if let Some((label, url)) = &self.action {
            text.push_str(&format!("{label}:\n{url}\n\n"));
        }
        text.push_str(&format!("{}\n\n-- \nOrgspace\n", self.footer));

        let paragraphs: String = self
            .paragraphs
            .iter()
            .map(|p| format!("<p style=\"margin:0 0 16px\">{}</p>", escape(p)))
            .collect();
        let quote = self.quote.map(|q| format!(
            "<blockquote style=\"margin:0 0 16px;padding:8px 16px;border-left:3px solid #c7c8f5;color:#3f4350\">{}</blockquote>",
            escape(&q).replace('\n', "<br>")
        )).unwrap_or_default();
        let action = self.action.map(|(label, url)| {
            let url = escape(&url);
            format!(
                "<p style=\"margin:24px 0\"><a href=\"{url}\" style=\"display:inline-block;padding:12px 20px;background:#4f46e5;color:#ffffff;border-radius:6px;text-decoration:none;font-weight:600\">{}</a></p>\
                 <p style=\"margin:0 0 16px;font-size:13px;color:#5b6170\">Or open this address: <a href=\"{url}\" style=\"color:#4f46e5;word-break:break-all\">{url}</a></p>",
                escape(label)
            )
        }).unwrap_or_default();
        let html = format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
             <body style=\"margin:0;padding:24px;background:#f7f7f9;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,sans-serif;color:#111318;line-height:1.5\">\
             <div style=\"max-width:560px;margin:0 auto;background:#ffffff;border:1px solid #dfe1e7;border-radius:8px;padding:32px\">\
             <p style=\"margin:0 0 24px;font-weight:700;color:#4f46e5\">&#9670; Orgspace</p>\
             <p style=\"margin:0 0 16px\">{greeting}</p>{paragraphs}{quote}{action}\
             <p style=\"margin:24px 0 0;font-size:13px;color:#5b6170\">{footer}</p>\
             </div></body></html>",
            title = escape(&self.subject),
            greeting = escape(&self.greeting),
            footer = escape(&self.footer),
        );
        Mail {
            to: self.to.to_owned(),
            subject: self.subject,
            text,
            html,
        }
    }
}

/// "in 24 hours", "in 7 days", "in 30 minutes", for a validity in seconds.
fn validity(seconds: i64) -> String {
    match seconds {
        s if s % 86_400 == 0 && s >= 2 * 86_400 => format!("{} days", s / 86_400),
        s if s % 3_600 == 0 && s >= 3_600 => match s / 3_600 {
            1 => "1 hour".to_owned(),
            n => format!("{n} hours"),
        },
        s if s >= 120 => format!("{} minutes", s / 60),
        s if s >= 60 => "1 minute".to_owned(),
        s => format!("{s} seconds"),
    }
}

/// The invitation to join an organization, with its link.
pub fn invitation(
    base_url: &str,
    invitation: &InvitationView,
    inviter: (&str, &str),
    token: &str,
    now: Timestamp,
) -> Mail {
    let (inviter_name, inviter_email) = inviter;
    let days = (invitation.expires_at.as_millis() - now.as_millis()) / 86_400_000;
    Message {
        to: &invitation.email,
        subject: format!("{inviter_name} invited you to {} on Orgspace", invitation.account_name),
        greeting: "Hello,".into(),
        paragraphs: vec![format!(
            "{inviter_name} ({inviter_email}) invited you to join {} on Orgspace as {}.",
            invitation.account_name,
            invitation.role.label()
        )],
        quote: invitation.note.as_ref().map(|note| format!("{inviter_name} wrote: {note}")),
        action: Some((
            "Accept the invitation",
            format!("{base_url}/invitations/accept?token={token}"),
        )),
        footer: format!(
            "The link works once and expires on {} (in {days} days). If you have no Orgspace account yet, \
             you can create one with this email address from the link. If you did not expect this \
             invitation, you can ignore this message.",
            invitation.expires_at
        ),
    }
    .build()
}

/// A request to link the child under a parent, to each of the child's Owners.
pub fn link_request(base_url: &str, to: &str, request: &LinkRequestView) -> Mail {
    let (parent, child) = (&request.parent.name, &request.child.name);
    Message {
        to,
        subject: format!("{parent} asks to become the parent of {child} on Orgspace"),
        greeting: "Hello,".into(),
        paragraphs: vec![
            format!(
                "{} asked to link {child} under {parent}. If you accept, {parent}'s Owners and Admins act with their role in {child}, and {parent} sees it in its roll-up report.",
                request.requested_by
            ),
            format!("As an Owner of {child}, you can accept or decline the request on its Hierarchy page."),
        ],
        quote: None,
        action: Some((
            "Review the request",
            format!("{base_url}/a/{}/hierarchy", request.child.id),
        )),
        footer: "You got this mail because you are an Owner of the organization. Nothing changes until an Owner accepts.".into(),
    }
    .build()
}

/// The link that verifies `to` for the user `name` (at registration, or when
/// they ask again).
pub fn verify_email(base_url: &str, to: &str, name: &str, token: &str, ttl: i64) -> Mail {
    Message {
        to,
        subject: "Verify your email for Orgspace".into(),
        greeting: format!("Hello {name},"),
        paragraphs: vec![
            "Please confirm that this address is yours. Until you do, invitations to it stay hidden."
                .into(),
        ],
        quote: None,
        action: Some(("Verify my email", format!("{base_url}/verify-email?token={token}"))),
        footer: format!(
            "The link works once, for {}. If you did not sign up for Orgspace, ignore this message: \
             nothing happens without the link.",
            validity(ttl)
        ),
    }
    .build()
}

/// The link that confirms `to` as the user's new address.
pub fn confirm_new_email(base_url: &str, to: &str, name: &str, token: &str, ttl: i64) -> Mail {
    Message {
        to,
        subject: "Confirm your new email for Orgspace".into(),
        greeting: format!("Hello {name},"),
        paragraphs: vec![format!(
            "You asked to sign in to Orgspace with {to} from now on. Your address changes when you open this link."
        )],
        quote: None,
        action: Some(("Confirm my new email", format!("{base_url}/verify-email?token={token}"))),
        footer: format!(
            "The link works once, for {}. If you did not ask for this, ignore this message: your address stays as it is.",
            validity(ttl)
        ),
    }
    .build()
}

/// The notice to the old address that a change to `new_email` was asked for.
pub fn email_change_notice(to: &str, name: &str, new_email: &str) -> Mail {
    Message {
        to,
        subject: "Your Orgspace email is about to change".into(),
        greeting: format!("Hello {name},"),
        paragraphs: vec![format!(
            "Someone signed in as you asked to change your Orgspace email to {new_email}. It changes once the link mailed to {new_email} is opened."
        )],
        quote: None,
        action: None,
        footer: "If this was not you, change your password at once: the change needed it, and it has \
                 not happened yet."
            .into(),
    }
    .build()
}

/// The link that sets a new password.
pub fn password_reset(base_url: &str, to: &str, name: &str, token: &str, ttl: i64) -> Mail {
    Message {
        to,
        subject: "Reset your Orgspace password".into(),
        greeting: format!("Hello {name},"),
        paragraphs: vec![
            "Someone — hopefully you — asked to reset the password of your Orgspace account. Choosing a new one signs you out everywhere."
                .into(),
        ],
        quote: None,
        action: Some(("Choose a new password", format!("{base_url}/reset-password?token={token}"))),
        footer: format!(
            "The link works once, for {}; asking again replaces it. If you did not ask, ignore this \
             message: your password stays as it is.",
            validity(ttl)
        ),
    }
    .build()
}

/// How the password came to change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordChange {
    /// Signed in, with the current password.
    Changed,
    /// Through a mailed reset link.
    Reset,
}

/// The notice that the password changed and every session ended.
pub fn password_changed_notice(to: &str, name: &str, how: PasswordChange, at: Timestamp) -> Mail {
    let what = match how {
        PasswordChange::Changed => "changed",
        PasswordChange::Reset => "reset through a mailed link",
    };
    Message {
        to,
        subject: "Your Orgspace password changed".into(),
        greeting: format!("Hello {name},"),
        paragraphs: vec![format!(
            "The password of your Orgspace account was {what} at {at} (UTC). Every other device was signed out."
        )],
        quote: None,
        action: None,
        footer: "If this was not you, reset your password from the sign-in page at once and check \
                 the sessions on your Security page."
            .into(),
    }
    .build()
}

/// The notice that the user and their personal account are gone.
pub fn account_deleted_notice(to: &str, name: &str) -> Mail {
    Message {
        to,
        subject: "Your Orgspace account was deleted".into(),
        greeting: format!("Hello {name},"),
        paragraphs: vec![
            "Your Orgspace user, your personal account and the organizations where you were the only member were deleted, as you asked. You can sign up again with this address at any time."
                .into(),
        ],
        quote: None,
        action: None,
        footer: "This is the last mail Orgspace sends you.".into(),
    }
    .build()
}

/// The notice that a user's second factors changed (SPEC §15): `what` is a
/// sentence without its full stop, like "Two-factor authentication was turned
/// on".
pub fn two_factor_notice(to: &str, name: &str, what: &str, at: Timestamp) -> Mail {
    Message {
        to,
        subject: format!("Orgspace: {what}"),
        greeting: format!("Hello {name},"),
        paragraphs: vec![format!(
            "{what} at {at} (UTC), for your Orgspace account {to}. Your Security page lists your second factors."
        )],
        quote: None,
        action: None,
        footer: "If this was not you, reset your password from the sign-in page at once and check \
                 the sessions and second factors on your Security page."
            .into(),
    }
    .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_what_people_type() {
        assert_eq!(
            escape(r#"<b>"Tom" & 'Jerry'</b>"#),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
        let mail = verify_email(
            "http://x",
            "a@b.c",
            "<script>alert(1)</script>",
            "tok",
            86_400,
        );
        assert!(mail.html.contains("&lt;script&gt;"));
        assert!(!mail.html.contains("<script>"));
        assert!(
            mail.text.contains("<script>alert(1)</script>"),
            "plain text stays as typed"
        );
    }

    #[test]
    fn a_link_is_in_both_parts_and_its_validity_is_said() {
        let mail = password_reset("https://console.example", "a@b.c", "Ana", "tok_en-1", 3_600);
        let link = "https://console.example/reset-password?token=tok_en-1";
        assert!(mail.text.contains(link));
        assert!(mail.html.contains(&format!("href=\"{link}\"")));
        assert!(mail.text.contains("for 1 hour"));
        assert_eq!(validity(86_400), "24 hours");
        assert_eq!(validity(7 * 86_400), "7 days");
        assert_eq!(validity(90), "1 minute");
        assert_eq!(validity(300), "5 minutes");
    }
}
