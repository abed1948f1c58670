//! The mail worker (SPEC §11.2, §11.4): sends the rows of the mail outbox over SMTP, in the
//! recipient's language, with a link under the public address.
//!
//! Each e-mail is first claimed (its attempt counted and its next try pushed past a lease),
//! then sent, then recorded. Several processes on one database therefore never send the
//! same row at once; a crash between the sending and the recording sends that one e-mail
//! again after the lease (at least once, duplicates only at the crash point). Requests
//! never wait for any of it: they only write the outbox row.

use std::panic::AssertUnwindSafe;
use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use futures_util::FutureExt;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use sluss_domain::notify::{mail_retry_after, mail_still_due};
use sluss_domain::validate::breaks_a_line;
use uuid::Uuid;

use crate::app::accounts::CONFIRMATION_VALID_FOR;
use crate::app::resets::LINK_VALID_FOR;
use crate::app::retention::WARNING_AHEAD;
use crate::persistence::entities::{mail_outbox, notifications as notification_rows, users as user_rows};
use crate::persistence::mail::{
    self as outbox, ALREADY_REGISTERED, CONFIRM_EMAIL, INVITATION, Outcome, RETENTION_WARNING,
};
use crate::persistence::{RepoError, ideas, invitations, notifications, users};
use crate::state::AppState;
use crate::tasks::panic_message;
use crate::web::i18n::{Lang, Tr};
use crate::web::pages::labels::label;
use crate::web::pages::notifications::page_of;

/// How long a claimed e-mail is kept from other workers: longer than one attempt can take.
const LEASE: Duration = Duration::seconds(60);

/// How long one SMTP conversation may take.
const SMTP_TIMEOUT: StdDuration = StdDuration::from_secs(20);

/// How often the worker looks for due e-mails when it found none.
const IDLE_POLL: StdDuration = StdDuration::from_secs(1);

/// How many due e-mails one pass reads.
const BATCH: u64 = 20;

/// Where and as whom e-mail is sent.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The transport holds the SMTP credentials.
        f.debug_struct("Mailer")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer for `smtp_url` (`smtp://host:port`, `smtps://user:pass@host:465`, or
    /// `smtp://…?tls=required` for STARTTLS), sending as `from`, linking under `public_url`.
    pub fn new(smtp_url: &str, from: &str, public_url: &str) -> Result<Self, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("--mail-from '{from}' is not an e-mail address: {e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("--smtp-url is not an SMTP address: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self {
            transport,
            from,
            public_url: public_url.trim_end_matches('/').to_owned(),
        })
    }
}

/// Sends due e-mails until the process ends, as a supervised task (started again if it
/// ever dies).
pub fn start(state: &AppState, mailer: Mailer) {
    let tasks = state.tasks.clone();
    let state = state.clone();
    tasks.supervise("mail", move || run(state.clone(), mailer.clone()));
}

/// Sends due e-mails until the process ends.
pub async fn run(state: AppState, mailer: Mailer) {
    loop {
        match send_due(&state, &mailer).await {
            Ok(0) => tokio::time::sleep(IDLE_POLL).await,
            Ok(_) => {}
            Err(error) => {
                tracing::warn!(%error, "the mail worker could not read or record the outbox; trying again");
                tokio::time::sleep(IDLE_POLL).await;
            }
        }
    }
}

/// One pass: claims, sends and records the e-mails due now; how many it tried.
pub async fn send_due(state: &AppState, mailer: &Mailer) -> Result<usize, RepoError> {
    let now = Utc::now();
    let mut tried = 0;
    for row in outbox::due(&state.db, now, BATCH).await? {
        let tx = state.begin_write().await?;
        let claimed = outbox::claim(&tx, row.id, row.attempts, now, now + LEASE).await?;
        tx.commit().await?;
        if !claimed {
            continue;
        }
        tried += 1;
        // One e-mail that cannot be built or sent must not end the worker: whatever goes
        // wrong with it, even a panic, is recorded on its row and the worker goes on.
        let outcome = match AssertUnwindSafe(attempt(state, mailer, &row)).catch_unwind().await {
            Ok(outcome) => outcome?,
            Err(panic) => Outcome::GivenUp(format!("the e-mail could not be made: {}", panic_message(panic))),
        };
        match &outcome {
            Outcome::Sent => tracing::info!(mail.id = %row.id, "e-mail sent"),
            Outcome::Retry(at, error) => tracing::warn!(mail.id = %row.id, %error, retry_at = %at, "e-mail not sent"),
            Outcome::GivenUp(reason) => tracing::warn!(mail.id = %row.id, %reason, "e-mail given up"),
        }
        let tx = state.begin_write().await?;
        outbox::record(&tx, row.id, outcome, Utc::now()).await?;
        tx.commit().await?;
    }
    Ok(tried)
}

/// What one e-mail says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

/// Tries to send one claimed e-mail.
async fn attempt(state: &AppState, mailer: &Mailer, row: &mail_outbox::Model) -> Result<Outcome, RepoError> {
    let now = Utc::now();
    if !mail_still_due(row.created_at, now) {
        return Ok(Outcome::GivenUp("not sent within a day".to_owned()));
    }
    let Some(person) = users::find(&state.db, row.recipient_id).await? else {
        return Ok(Outcome::GivenUp("the account is gone".to_owned()));
    };
    if !person.active {
        return Ok(Outcome::GivenUp("the account is deactivated".to_owned()));
    }
    let tr = Tr::new(Lang::parse(&person.locale).unwrap_or(Lang::Sv));
    let letter = if let Some(id) = row.notification_id {
        if !person.email_notifications {
            return Ok(Outcome::GivenUp("the person turned e-mail off".to_owned()));
        }
        let Some(notification) = notifications::find(&state.db, id).await? else {
            return Ok(Outcome::GivenUp("the notification is gone".to_owned()));
        };
        notification_letter(&tr, &person, &notification, &mailer.public_url)
    } else if row.letter.as_deref() == Some(INVITATION) {
        // The recipient is the account that invited; the letter goes to the invited address.
        let token = row.reset_token.as_deref().and_then(|token| token.parse::<Uuid>().ok());
        let Some(invitation) = (match token {
            Some(token) => invitations::find(&state.db, token).await?,
            None => None,
        }) else {
            return Ok(Outcome::GivenUp("the invitation is withdrawn".to_owned()));
        };
        if invitation.status != invitations::Status::Invited.as_str() {
            return Ok(Outcome::GivenUp("the invitation is answered".to_owned()));
        }
        let Some(idea) = ideas::find(&state.db, invitation.idea_id).await? else {
            return Ok(Outcome::GivenUp("the idea is gone".to_owned()));
        };
        let letter = invitation_letter(&tr, &person, &idea.title, invitation.id, &mailer.public_url);
        let to = match invitation.email.parse() {
            Ok(address) => Mailbox::new(None, address),
            Err(error) => {
                return Ok(Outcome::GivenUp(format!(
                    "the invited address cannot be written to: {error}"
                )));
            }
        };
        return send(mailer, row, to, letter, now).await;
    } else if row.letter.as_deref() == Some(ALREADY_REGISTERED) {
        taken_letter(&tr, &person, &mailer.public_url)
    } else if row.letter.as_deref() == Some(RETENTION_WARNING) {
        retention_letter(&tr, &person, row.created_at + WARNING_AHEAD, &mailer.public_url)
    } else if let Some(token) = &row.reset_token {
        let confirming = row.letter.as_deref() == Some(CONFIRM_EMAIL);
        let valid_for = if confirming {
            CONFIRMATION_VALID_FOR
        } else {
            LINK_VALID_FOR
        };
        if now - row.created_at >= valid_for {
            return Ok(Outcome::GivenUp("the link expired before it could be sent".to_owned()));
        }
        if confirming {
            confirm_letter(&tr, &person, token, &mailer.public_url)
        } else {
            reset_letter(&tr, &person, token, &mailer.public_url)
        }
    } else {
        return Ok(Outcome::GivenUp("nothing to send".to_owned()));
    };
    let name = one_line(&person.display_name);
    let to = match person.email.parse() {
        Ok(address) => Mailbox::new(Some(name), address),
        Err(error) => {
            return Ok(Outcome::GivenUp(format!(
                "the account's address cannot be written to: {error}"
            )));
        }
    };
    send(mailer, row, to, letter, now).await
}

/// Sends `letter` to `to` now, and says what became of it.
async fn send(
    mailer: &Mailer,
    row: &mail_outbox::Model,
    to: Mailbox,
    letter: Letter,
    now: chrono::DateTime<Utc>,
) -> Result<Outcome, RepoError> {
    let message = match message(mailer, row, to, letter) {
        Ok(message) => message,
        Err(error) => return Ok(Outcome::GivenUp(error)),
    };
    Ok(match mailer.transport.send(message).await {
        Ok(_) => Outcome::Sent,
        Err(error) if error.is_permanent() => Outcome::GivenUp(error.to_string()),
        Err(error) => {
            let next = now + mail_retry_after(u32::try_from(row.attempts + 1).unwrap_or(u32::MAX));
            if mail_still_due(row.created_at, next) {
                Outcome::Retry(next, error.to_string())
            } else {
                Outcome::GivenUp(format!("not sent within a day: {error}"))
            }
        }
    })
}

fn message(mailer: &Mailer, row: &mail_outbox::Model, to: Mailbox, letter: Letter) -> Result<Message, String> {
    // The outbox row's id names the e-mail, so a resend after a crash carries the same
    // Message-ID and a mail system can tell it is one e-mail.
    let domain = mailer.from.email.domain().to_owned();
    Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .message_id(Some(format!("<{}@{domain}>", row.id)))
        .subject(one_line(&letter.subject))
        .header(ContentType::TEXT_PLAIN)
        .body(letter.body)
        .map_err(|e| e.to_string())
}

/// `text` for a header: names are one line since they are checked so, but a name stored
/// before that, or a title typed with a line break, is written with spaces for its control
/// characters rather than breaking the header.
fn one_line(text: &str) -> String {
    text.chars().map(|c| if breaks_a_line(c) { ' ' } else { c }).collect()
}

/// The e-mail of a notification: what happened, to which challenge or idea, and the link to
/// where the person acts on it.
pub fn notification_letter(
    tr: &Tr,
    person: &user_rows::Model,
    notification: &notification_rows::Model,
    public_url: &str,
) -> Letter {
    let what = label(
        tr,
        "notice",
        &format!("{}-{}", notification.subject_type, notification.kind),
    );
    let link = format!(
        "{public_url}{}",
        page_of(&notification.subject_type, &notification.kind, notification.subject_id)
    );
    let settings = format!("{public_url}/me/settings");
    let body = [
        tr.t_with("mail-greeting", &[("name", person.display_name.clone().into())]),
        format!("{what}: {}", notification.title),
        tr.t_with("mail-open", &[("link", link.into())]),
        tr.t_with("mail-why", &[("settings", settings.into())]),
    ]
    .join("\n\n");
    Letter {
        subject: format!("{what}: {}", notification.title),
        body: body + "\n",
    }
}

/// The e-mail with a link to set a new password.
pub fn reset_letter(tr: &Tr, person: &user_rows::Model, token: &str, public_url: &str) -> Letter {
    let link = format!("{public_url}/reset-password?token={token}");
    let body = [
        tr.t_with("mail-greeting", &[("name", person.display_name.clone().into())]),
        tr.t("mail-reset-asked"),
        link,
        tr.t("mail-reset-ignore"),
    ]
    .join("\n\n");
    Letter {
        subject: tr.t("mail-reset-subject"),
        body: body + "\n",
    }
}

/// The e-mail with a link that confirms a registration's address.
pub fn confirm_letter(tr: &Tr, person: &user_rows::Model, token: &str, public_url: &str) -> Letter {
    let link = format!("{public_url}/confirm-email?token={token}");
    let body = [
        tr.t_with("mail-greeting", &[("name", person.display_name.clone().into())]),
        tr.t("mail-confirm-asked"),
        link,
        tr.t("mail-confirm-ignore"),
    ]
    .join("\n\n");
    Letter {
        subject: tr.t("mail-confirm-subject"),
        body: body + "\n",
    }
}

/// The e-mail inviting an address without an account to the team of the idea `title`,
/// sent on behalf of `inviter`, with the link to accept or decline.
pub fn invitation_letter(tr: &Tr, inviter: &user_rows::Model, title: &str, token: Uuid, public_url: &str) -> Letter {
    let link = format!("{public_url}/invitations/{token}");
    let body = [
        tr.t("mail-invitation-greeting"),
        tr.t_with(
            "mail-invitation-body",
            &[
                ("name", inviter.display_name.clone().into()),
                ("title", title.to_owned().into()),
            ],
        ),
        link,
        tr.t("mail-invitation-account"),
        tr.t("mail-invitation-ignore"),
    ]
    .join("\n\n");
    Letter {
        subject: tr.t_with("mail-invitation-subject", &[("title", one_line(title).into())]),
        body: body + "\n",
    }
}

/// The note to an account's owner that someone tried to register with its address: where
/// to log in, and where to choose a new password.
pub fn taken_letter(tr: &Tr, person: &user_rows::Model, public_url: &str) -> Letter {
    let body = [
        tr.t_with("mail-greeting", &[("name", person.display_name.clone().into())]),
        tr.t("mail-taken-body"),
        format!("{public_url}/login\n{public_url}/forgot-password"),
        tr.t("mail-taken-ignore"),
    ]
    .join("\n\n");
    Letter {
        subject: tr.t("mail-taken-subject"),
        body: body + "\n",
    }
}

/// The warning to the owner of an unused account that it is erased from `erased_from` on,
/// unless they log in before (retention, ADR 0038).
pub fn retention_letter(
    tr: &Tr,
    person: &user_rows::Model,
    erased_from: chrono::DateTime<Utc>,
    public_url: &str,
) -> Letter {
    let date = erased_from.format("%Y-%m-%d").to_string();
    let body = [
        tr.t_with("mail-greeting", &[("name", person.display_name.clone().into())]),
        tr.t_with("mail-retention-body", &[("date", date.into())]),
        tr.t("mail-retention-keep"),
        format!("{public_url}/login"),
        tr.t("mail-retention-ignore"),
    ]
    .join("\n\n");
    Letter {
        subject: tr.t("mail-retention-subject"),
        body: body + "\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_text_is_one_line() {
        assert_eq!(one_line("Eve\nBcc: x@evil.example"), "Eve Bcc: x@evil.example");
        assert_eq!(one_line("Sege\r\nPark\u{2028}5"), "Sege  Park 5");
        assert_eq!(one_line("Brf Ros"), "Brf Ros");
    }
}
