//! The two languages of the web interface (SPEC §10.2): choosing one per request, looking
//! texts up in the Fluent files under `api/locales/`, and showing times in Stockholm.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Stockholm;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use poem::Request;
use poem::http::header;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "sv",
        // Fluent wraps arguments in bidi isolation marks by default; both languages run
        // left to right and the marks would end up in attribute values.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The cookie that remembers a chosen language for a year.
pub const LANG_COOKIE: &str = "sluss_lang";

static SV: LanguageIdentifier = langid!("sv");
static EN: LanguageIdentifier = langid!("en");

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Swedish, the default.
    Sv,
    /// English.
    En,
}

impl Lang {
    /// Both languages, default first.
    pub const ALL: [Lang; 2] = [Lang::Sv, Lang::En];

    /// The language tag (`sv`, `en`), as in `<html lang>` and `?lang=`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    /// Parses a tag such as `sv`, `en`, `en-GB` or `sv-SE`.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "sv" => Some(Lang::Sv),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The other language (the switch link offers it).
    pub fn other(self) -> Lang {
        match self {
            Lang::Sv => Lang::En,
            Lang::En => Lang::Sv,
        }
    }

    /// Chooses the language of a request: `?lang=`, else the cookie, else
    /// `Accept-Language` by quality, else Swedish. Also says whether `?lang=` chose it
    /// (then the cookie is to be set).
    pub fn negotiate(req: &Request) -> (Lang, bool) {
        if let Some(lang) = query_lang(req) {
            return (lang, true);
        }
        if let Some(lang) = req.cookie().get(LANG_COOKIE).and_then(|c| Lang::parse(c.value_str())) {
            return (lang, false);
        }
        let accepted = req
            .headers()
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(from_accept_language);
        (accepted.unwrap_or(Lang::Sv), false)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Sv => &SV,
            Lang::En => &EN,
        }
    }
}

fn query_lang(req: &Request) -> Option<Lang> {
    let query = req.uri().query()?;
    serde_urlencoded::from_str::<Vec<(String, String)>>(query)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == "lang")
        .and_then(|(_, value)| Lang::parse(&value))
}

/// The best of our languages in an `Accept-Language` header, by its q-values.
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for part in header.split(',') {
        let mut pieces = part.split(';');
        let Some(lang) = pieces.next().and_then(Lang::parse) else {
            continue;
        };
        let quality = pieces
            .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()))
            .unwrap_or(1.0);
        if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
            best = Some((quality, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

/// Texts of one language.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    /// The language.
    pub lang: Lang,
}

impl Tr {
    /// The texts of `lang`.
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// The text of `key`.
    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(self.lang.id(), key)
    }

    /// The text of `key` with arguments.
    pub fn t_with(&self, key: &str, args: &[(&'static str, FluentValue<'_>)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), value.clone().into_owned()))
            .collect();
        LOCALES.lookup_with_args(self.lang.id(), key, &args)
    }

    /// The text of `key` if it exists.
    pub fn try_t(&self, key: &str) -> Option<String> {
        LOCALES.try_lookup(self.lang.id(), key)
    }

    /// A moment, in Stockholm's time, as this language writes it.
    pub fn datetime(&self, at: DateTime<Utc>) -> String {
        let local = at.with_timezone(&Stockholm);
        match self.lang {
            Lang::Sv => local.format("%-d %b %Y kl. %H:%M").to_string().replace_month_sv(),
            Lang::En => local.format("%-d %b %Y, %H:%M").to_string(),
        }
    }

    /// A number with `decimals` decimals, with the language's decimal sign (`4,50` in
    /// Swedish, `4.50` in English).
    pub fn number(&self, value: f64, decimals: usize) -> String {
        let text = format!("{value:.decimals$}");
        match self.lang {
            Lang::Sv => text.replace('.', ",").replace('-', "−"),
            Lang::En => text,
        }
    }

    /// A date as this language writes it.
    pub fn date(&self, day: NaiveDate) -> String {
        match self.lang {
            Lang::Sv => day.format("%-d %b %Y").to_string().replace_month_sv(),
            Lang::En => day.format("%-d %b %Y").to_string(),
        }
    }
}

/// chrono names months in English only; Swedish abbreviations replace them.
trait SwedishMonths {
    fn replace_month_sv(self) -> String;
}

impl SwedishMonths for String {
    fn replace_month_sv(self) -> String {
        const MONTHS: [(&str, &str); 12] = [
            ("Jan", "jan."),
            ("Feb", "feb."),
            ("Mar", "mars"),
            ("Apr", "apr."),
            ("May", "maj"),
            ("Jun", "juni"),
            ("Jul", "juli"),
            ("Aug", "aug."),
            ("Sep", "sep."),
            ("Oct", "okt."),
            ("Nov", "nov."),
            ("Dec", "dec."),
        ];
        MONTHS
            .iter()
            .find(|(en, _)| self.contains(en))
            .map_or_else(|| self.clone(), |(en, sv)| self.replacen(en, sv, 1))
    }
}

/// Every message id of a Fluent file: lines that start a message (`id = …`).
pub fn message_ids(ftl: &str) -> Vec<&str> {
    ftl.lines()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|line| line.split_once('=').map(|(id, _)| id.trim()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every Fluent file of a language, one after another (the loader reads them all).
    fn ftl_of(lang: &str) -> String {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "ftl"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|path| std::fs::read_to_string(path).unwrap() + "\n")
            .collect()
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let (sv_ftl, en_ftl) = (ftl_of("sv"), ftl_of("en"));
        let sv: std::collections::BTreeSet<_> = message_ids(&sv_ftl).into_iter().collect();
        let en: std::collections::BTreeSet<_> = message_ids(&en_ftl).into_iter().collect();
        let only_sv: Vec<_> = sv.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&sv).collect();
        assert!(only_sv.is_empty(), "only in Swedish: {only_sv:?}");
        assert!(only_en.is_empty(), "only in English: {only_en:?}");
        assert!(sv.len() > 50, "the files hold the interface's texts");
    }

    #[test]
    fn no_message_is_defined_twice_and_both_files_load() {
        for ftl in [ftl_of("sv"), ftl_of("en")] {
            let ids = message_ids(&ftl);
            let unique: std::collections::BTreeSet<_> = ids.iter().collect();
            let twice: Vec<_> = ids
                .iter()
                .filter(|id| ids.iter().filter(|other| other == id).count() > 1)
                .collect();
            assert_eq!(unique.len(), ids.len(), "defined twice: {twice:?}");
        }
        // Building the bundles panics on a file Fluent cannot load.
        for lang in Lang::ALL {
            assert_ne!(Tr::new(lang).t("service-name"), "");
        }
    }

    #[test]
    fn every_key_the_code_looks_up_exists_in_both_languages() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/web");
        let mut missing = Vec::new();
        let files = [("sv", ftl_of("sv")), ("en", ftl_of("en"))];
        for key in keys_used_in(std::path::Path::new(dir)) {
            for (lang, ftl) in &files {
                if !message_ids(ftl).contains(&key.as_str()) {
                    missing.push(format!("{lang}: {key}"));
                }
            }
        }
        assert!(missing.is_empty(), "keys looked up but not translated: {missing:?}");
    }

    /// The string literals passed to `t(`, `t_with(` and `try_t(` in the web sources.
    fn keys_used_in(dir: &std::path::Path) -> Vec<String> {
        let mut keys = Vec::new();
        let mut dirs = vec![dir.to_path_buf()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let source = std::fs::read_to_string(&path).unwrap();
                    for call in [".t(\"", ".t_with(\""] {
                        for piece in source.split(call).skip(1) {
                            if let Some((key, _)) = piece.split_once('"') {
                                keys.push(key.to_owned());
                            }
                        }
                    }
                }
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }

    #[test]
    fn the_language_comes_from_accept_language_by_quality() {
        assert_eq!(from_accept_language("en-GB,en;q=0.9"), Some(Lang::En));
        assert_eq!(from_accept_language("de, en;q=0.5, sv;q=0.8"), Some(Lang::Sv));
        assert_eq!(from_accept_language("de, fr"), None);
        assert_eq!(from_accept_language("sv;q=0, en;q=0.1"), Some(Lang::En));
    }

    #[test]
    fn numbers_carry_the_languages_decimal_sign() {
        assert_eq!(Tr::new(Lang::Sv).number(4.5, 2), "4,50");
        assert_eq!(Tr::new(Lang::En).number(4.5, 2), "4.50");
    }

    #[test]
    fn times_are_shown_in_stockholm() {
        let at = DateTime::parse_from_rfc3339("2026-07-01T10:00:00Z").unwrap().to_utc();
        assert_eq!(Tr::new(Lang::Sv).datetime(at), "1 juli 2026 kl. 12:00");
        assert_eq!(Tr::new(Lang::En).datetime(at), "1 Jul 2026, 12:00");
        let winter = DateTime::parse_from_rfc3339("2026-12-24T10:00:00Z").unwrap().to_utc();
        assert_eq!(Tr::new(Lang::Sv).datetime(winter), "24 dec. 2026 kl. 11:00");
    }
}
