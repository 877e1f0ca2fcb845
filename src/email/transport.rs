//! How emails leave: an SMTP server, or `.eml` files when none is configured.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Config;
use crate::email::model::OutboxEmail;

/// How often an idle worker looks for due emails.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(2);

/// The wait after the first failed attempt; it doubles with each further one.
pub const DEFAULT_BACKOFF_BASE: Duration = Duration::from_secs(30);

/// Longest wait for one SMTP command. Several commands make one delivery, and the whole
/// of it must fit in the claim's lease (see [`crate::db::outbox::LEASE`]) so that no
/// other worker takes the email over while it is still being sent.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// What the email worker needs: where emails go, from whom, and its pace.
/// The fields are public so that tests can shorten the intervals.
#[derive(Debug, Clone)]
pub struct EmailSettings {
    /// SMTP or `.eml` files.
    pub transport: TransportChoice,
    /// The sender of every email.
    pub from: Mailbox,
    /// How long an idle worker sleeps before looking again.
    pub poll_interval: Duration,
    /// The wait after the first failure; it doubles per attempt, up to an hour.
    pub backoff_base: Duration,
    /// How webhook deliveries, which the same worker makes, go out.
    pub webhooks: crate::webhooks::delivery::DeliverySettings,
    /// The machine-translation service of community posts, which the same worker calls;
    /// `None` when not configured.
    pub machine_translation: Option<crate::post_translations::machine::MtSettings>,
}

impl EmailSettings {
    /// The settings `config` describes, with the default pace. Fails on a sender or SMTP
    /// URL that could never work, so that the mistake stops the start rather than every
    /// email.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let from = config.email_from.parse::<Mailbox>().map_err(|e| {
            anyhow::anyhow!("BAYANIHAN_EMAIL_FROM must be `Name <address>` or an address: {e}")
        })?;
        let transport = match &config.smtp_url {
            Some(url) => TransportChoice::Smtp(SmtpUrl::parse(url).context("BAYANIHAN_SMTP_URL")?),
            None => TransportChoice::Files(config.data_dir.join("outbox")),
        };
        Ok(Self {
            transport,
            from,
            poll_interval: DEFAULT_POLL_INTERVAL,
            backoff_base: DEFAULT_BACKOFF_BASE,
            webhooks: crate::webhooks::delivery::DeliverySettings::from_config(config),
            machine_translation: crate::post_translations::machine::MtSettings::from_config(config),
        })
    }
}

/// Where emails go.
#[derive(Debug, Clone)]
pub enum TransportChoice {
    /// Through an SMTP server.
    Smtp(SmtpUrl),
    /// As one `.eml` file per email in this folder (created when needed): development,
    /// tests, and installations that hand mail over by other means.
    Files(PathBuf),
}

/// An SMTP server URL in lettre's syntax; it may hold a password, so `Debug` hides it.
///
/// `smtp://host:port` is plain SMTP without TLS; `?tls=required` adds STARTTLS (and
/// refuses a server without it), `?tls=opportunistic` uses STARTTLS when offered;
/// `smtps://` is TLS from the first byte.
#[derive(Clone)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    /// Checks that lettre accepts `url`, and that a password would never cross the network
    /// in clear text: with credentials, a server other than this machine needs `smtps://`
    /// or `?tls=required` (opportunistic STARTTLS can be stripped by anyone on the path).
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        let parsed = url::Url::parse(url).map_err(|e| {
            anyhow::anyhow!(
                "not a URL ({e}); expected smtp://host:port or smtps://user:pass@host:port"
            )
        })?;
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("not a usable SMTP URL: {e}"))?;
        let tls = parsed
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let encrypted = parsed.scheme() == "smtps" || tls.as_deref() == Some("required");
        // `smtp` is not a scheme the URL standard knows, so its host stays text, even an IP.
        let local = parsed.host_str().is_some_and(|host| {
            host.eq_ignore_ascii_case("localhost")
                || host
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        });
        anyhow::ensure!(
            parsed.password().is_none() || encrypted || local,
            "a password must not be sent without TLS: use smtps://…:465, or smtp://…:587?tls=required"
        );
        Ok(Self(url.to_owned()))
    }

    /// The password, as written and percent-decoded, to scrub from error messages.
    fn secrets(&self) -> Vec<String> {
        let Some(raw) = url::Url::parse(&self.0)
            .ok()
            .and_then(|u| u.password().map(str::to_owned))
        else {
            return Vec::new();
        };
        let decoded = percent_decode(&raw);
        vec![raw, decoded]
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = url::Url::parse(&self.0).map_or_else(
            |_| "<invalid>".to_owned(),
            |mut u| {
                if u.password().is_some() {
                    let _ = u.set_password(Some("redacted"));
                }
                u.to_string()
            },
        );
        f.debug_tuple("SmtpUrl").field(&shown).finish()
    }
}

/// Decodes `%XX` escapes; anything malformed is kept as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A built transport, ready to send.
pub(crate) enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files {
        dir: PathBuf,
        transport: AsyncFileTransport<Tokio1Executor>,
    },
}

impl Transport {
    /// Builds the transport (inside the runtime: the SMTP connection pool starts a task).
    pub(crate) fn build(choice: &TransportChoice) -> anyhow::Result<Self> {
        Ok(match choice {
            TransportChoice::Smtp(url) => Self::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(&url.0)
                    .map_err(|e| anyhow::anyhow!("BAYANIHAN_SMTP_URL is not usable: {e}"))?
                    .timeout(Some(SMTP_TIMEOUT))
                    .build(),
            ),
            TransportChoice::Files(dir) => Self::Files {
                dir: dir.clone(),
                transport: AsyncFileTransport::<Tokio1Executor>::new(dir),
            },
        })
    }

    /// A name for logs.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::Smtp(_) => "smtp",
            Self::Files { .. } => "files",
        }
    }

    /// Sends one message; the error is lettre's text, to be scrubbed before it is kept.
    pub(crate) async fn send(&self, message: Message) -> Result<(), SendError> {
        match self {
            Self::Smtp(smtp) => smtp.send(message).await.map(drop).map_err(|e| SendError {
                // A 5xx answer (no such mailbox, domain refused) will not change on retry.
                permanent: e.is_permanent(),
                text: e.to_string(),
            }),
            Self::Files { dir, transport } => {
                // Created on each send, not once: a folder removed while the server runs
                // would otherwise fail every email until a restart.
                let folder = dir.clone();
                // Owner-only: the emails hold sign-in and reset links.
                actix_web::web::block(move || crate::db::create_private_dir(&folder))
                    .await
                    .map_err(|e| SendError::retry(e.to_string()))?
                    .map_err(|e| {
                        SendError::retry(format!("cannot create the outbox folder: {e}"))
                    })?;
                transport
                    .send(message)
                    .await
                    .map(drop)
                    .map_err(|e| SendError::retry(e.to_string()))
            }
        }
    }

    /// Passwords that must never appear in a stored or logged error.
    pub(crate) fn secrets(choice: &TransportChoice) -> Vec<String> {
        match choice {
            TransportChoice::Smtp(url) => url.secrets(),
            TransportChoice::Files(_) => Vec::new(),
        }
    }
}

/// Why a message did not leave.
#[derive(Debug)]
pub(crate) struct SendError {
    /// lettre's text, to be scrubbed before it is kept.
    pub text: String,
    /// Sending it again can never succeed (the server refused it for good, or the stored
    /// email cannot be made into a message).
    pub permanent: bool,
}

impl SendError {
    /// A failure worth retrying later.
    pub(crate) fn retry(text: String) -> Self {
        Self {
            text,
            permanent: false,
        }
    }
}

/// The MIME message for an outbox row: plain text and HTML as alternatives, so that
/// every mail client shows one of them.
pub(crate) fn message(from: &Mailbox, email: &OutboxEmail) -> Result<Message, String> {
    let to = email
        .recipient
        .parse::<lettre::Address>()
        .map_err(|e| format!("the stored recipient is not an address: {e}"))?;
    Message::builder()
        .from(from.clone())
        .to(Mailbox::new(None, to))
        .subject(email.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            email.body_text.clone(),
            email.body_html.clone(),
        ))
        .map_err(|e| format!("cannot build the message: {e}"))
}

/// An error message fit to store and log: secrets replaced, every word that holds an
/// `@` (an address, or a URL with credentials) replaced, and the length bounded.
pub(crate) fn scrub(message: &str, secrets: &[String]) -> String {
    const MAX_CHARS: usize = 1000;
    let mut text = message.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        text = text.replace(secret.as_str(), "[redacted]");
    }
    let is_delimiter = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | '"' | '\''
            )
    };
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.contains('@') {
            out.push_str("[address]");
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if is_delimiter(c) {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    if out.chars().count() > MAX_CHARS {
        out = out.chars().take(MAX_CHARS).collect::<String>() + "…";
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_no_address_and_no_password() {
        let secrets = SmtpUrl::parse("smtps://mailer:p%40ss%2Bword@smtp.example.org:465")
            .unwrap()
            .secrets();
        assert_eq!(
            secrets,
            vec!["p%40ss%2Bword".to_owned(), "p@ss+word".to_owned()]
        );
        let raw = "permanent error (550): 5.1.1 <ana@example.org>: Recipient address rejected; \
                   auth as mailer with p@ss+word via smtps://mailer:p%40ss%2Bword@smtp.example.org:465";
        let scrubbed = scrub(raw, &secrets);
        assert!(!scrubbed.contains("ana@"), "{scrubbed}");
        assert!(!scrubbed.contains("example.org:465"), "{scrubbed}");
        assert!(!scrubbed.contains("p@ss"), "{scrubbed}");
        assert!(!scrubbed.contains("p%40ss"), "{scrubbed}");
        assert!(!scrubbed.contains("ss+word"), "{scrubbed}");
        assert!(
            scrubbed.starts_with(
                "permanent error (550): 5.1.1 <[address]>: Recipient address rejected;"
            ),
            "{scrubbed}"
        );
        assert_eq!(scrub(&"x".repeat(5000), &[]).chars().count(), 1001);
    }

    #[test]
    fn debug_never_shows_the_smtp_password() {
        let url = SmtpUrl::parse("smtps://mailer:hunter2@smtp.example.org").unwrap();
        let shown = format!("{url:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("smtp.example.org"), "{shown}");
    }

    #[test]
    fn passwords_need_tls_unless_the_server_is_this_machine() {
        assert!(SmtpUrl::parse("smtp://mailer:secret@smtp.example.org:25").is_err());
        assert!(
            SmtpUrl::parse("smtp://mailer:secret@smtp.example.org:587?tls=opportunistic").is_err()
        );
        assert!(SmtpUrl::parse("smtp://mailer:secret@smtp.example.org:587?tls=required").is_ok());
        assert!(SmtpUrl::parse("smtps://mailer:secret@smtp.example.org").is_ok());
        assert!(SmtpUrl::parse("smtp://mailer:secret@127.0.0.1:1025").is_ok());
        assert!(SmtpUrl::parse("smtp://mailer:secret@localhost:1025").is_ok());
        assert!(SmtpUrl::parse("smtp://mailer:secret@[::1]:1025").is_ok());
        assert!(SmtpUrl::parse("smtp://mailer:secret@127.0.0.1.example.org:25").is_err());
        assert!(SmtpUrl::parse("smtp://relay.internal:25").is_ok());
        assert!(SmtpUrl::parse("smtp://127.0.0.1:2525").is_ok());
        assert!(SmtpUrl::parse("smtp://relay.internal:25?tls=sometimes").is_err());
        assert!(SmtpUrl::parse("not a url").is_err());
    }

    #[test]
    fn the_sender_must_be_an_address() {
        let mut config = Config::from_lookup(|_| None).expect("the default configuration is valid");
        assert!(EmailSettings::from_config(&config).is_ok());
        config.email_from = "Bayanihan".to_owned();
        let err = EmailSettings::from_config(&config).unwrap_err().to_string();
        assert!(err.contains("BAYANIHAN_EMAIL_FROM"), "{err}");
    }
}
