//! Documents (SPEC §15): what a file may be, how many a record holds, and who may add or
//! remove one.
//!
//! A file's type is decided by its bytes, never by its name: the first bytes name PDF, PNG,
//! JPEG and WebP; a zip is an OpenDocument or Office Open XML file only when its manifest
//! says so (`mimetype` for OpenDocument, `[Content_Types].xml` for Office Open XML, whose
//! main part names the kind — so a macro-enabled `.docm` renamed `.docx` is refused); text
//! is UTF-8 without control characters and without markup at its start. Everything else
//! (HTML, SVG, executables, archives) is refused.

use crate::challenge::{Challenge, ChallengeState};
use crate::error::{ConflictReason, FieldProblem, ForbiddenReason, Refusal};
use crate::idea::{Idea, IdeaState};
use crate::role::Actor;

/// Files one challenge, idea or test may hold.
pub const MAX_PER_PARENT: usize = 20;

/// The default largest file, in MiB (`--max-upload-mib`).
pub const DEFAULT_MAX_UPLOAD_MIB: u64 = 25;

/// How many bytes of a text file are read to decide that it is text.
pub const TEXT_SAMPLE: usize = 64 * 1024;

/// The longest file name kept, in bytes.
pub const FILENAME_MAX: usize = 200;

/// The longest description.
pub const DESCRIPTION_MAX: usize = 500;

/// A type of file sluss keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// PDF.
    Pdf,
    /// PNG image.
    Png,
    /// JPEG image.
    Jpeg,
    /// WebP image.
    Webp,
    /// Plain text.
    Text,
    /// Comma- or semicolon-separated values.
    Csv,
    /// OpenDocument text (odt).
    Odt,
    /// OpenDocument spreadsheet (ods).
    Ods,
    /// OpenDocument presentation (odp).
    Odp,
    /// Word document (docx).
    Docx,
    /// Excel workbook (xlsx).
    Xlsx,
    /// PowerPoint presentation (pptx).
    Pptx,
}

impl FileKind {
    /// Every kind.
    pub const ALL: [FileKind; 12] = [
        FileKind::Pdf,
        FileKind::Png,
        FileKind::Jpeg,
        FileKind::Webp,
        FileKind::Text,
        FileKind::Csv,
        FileKind::Odt,
        FileKind::Ods,
        FileKind::Odp,
        FileKind::Docx,
        FileKind::Xlsx,
        FileKind::Pptx,
    ];

    /// The media type it is served with.
    pub const fn content_type(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Webp => "image/webp",
            FileKind::Text => "text/plain; charset=utf-8",
            FileKind::Csv => "text/csv; charset=utf-8",
            FileKind::Odt => "application/vnd.oasis.opendocument.text",
            FileKind::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            FileKind::Odp => "application/vnd.oasis.opendocument.presentation",
            FileKind::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileKind::Pptx => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        }
    }

    /// The kind stored as `content_type`.
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.content_type() == content_type)
    }

    /// The file name extension that goes with it.
    pub const fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpg",
            FileKind::Webp => "webp",
            FileKind::Text => "txt",
            FileKind::Csv => "csv",
            FileKind::Odt => "odt",
            FileKind::Ods => "ods",
            FileKind::Odp => "odp",
            FileKind::Docx => "docx",
            FileKind::Xlsx => "xlsx",
            FileKind::Pptx => "pptx",
        }
    }

    /// Whether a page may show it inline, as a picture.
    pub const fn is_image(self) -> bool {
        matches!(self, FileKind::Png | FileKind::Jpeg | FileKind::Webp)
    }
}

/// What a file's first bytes say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// This kind.
    Kind(FileKind),
    /// A zip: its manifest decides ([`odf_kind`], [`ooxml_kind`]).
    Zip,
    /// Perhaps text: [`text_kind`] decides on a sample.
    MaybeText,
    /// A type sluss does not keep.
    Refused,
}

/// What the first bytes of a file (at least 16, when it has them) say it is.
pub fn sniff(head: &[u8]) -> Sniffed {
    if head.starts_with(b"%PDF-") {
        Sniffed::Kind(FileKind::Pdf)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Sniffed::Kind(FileKind::Png)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Sniffed::Kind(FileKind::Jpeg)
    } else if head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP" {
        Sniffed::Kind(FileKind::Webp)
    } else if head.starts_with(b"PK\x03\x04") {
        Sniffed::Zip
    } else if head.is_empty() {
        Sniffed::Refused
    } else {
        Sniffed::MaybeText
    }
}

/// The OpenDocument kind a zip's `mimetype` entry names.
pub fn odf_kind(mimetype: &str) -> Option<FileKind> {
    match mimetype.trim() {
        "application/vnd.oasis.opendocument.text" => Some(FileKind::Odt),
        "application/vnd.oasis.opendocument.spreadsheet" => Some(FileKind::Ods),
        "application/vnd.oasis.opendocument.presentation" => Some(FileKind::Odp),
        _ => None,
    }
}

/// The Office Open XML kind a zip's `[Content_Types].xml` names by the type of its main
/// part. Macro-enabled and template variants name other types and are refused.
pub fn ooxml_kind(content_types: &str) -> Option<FileKind> {
    const MAIN_PARTS: [(&str, FileKind); 3] = [
        (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            FileKind::Docx,
        ),
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            FileKind::Xlsx,
        ),
        (
            "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
            FileKind::Pptx,
        ),
    ];
    let found: Vec<FileKind> = MAIN_PARTS
        .iter()
        .filter(|(main, _)| content_types.contains(&format!("\"{main}\"")))
        .map(|&(_, kind)| kind)
        .collect();
    match found.as_slice() {
        [kind] => Some(*kind),
        _ => None,
    }
}

/// Whether a sample of a file's start (up to [`TEXT_SAMPLE`] bytes; `complete` when it is
/// the whole file) is text, and then whether it is CSV: UTF-8 (a character cut at the
/// sample's end aside), no control characters but tab, line feed, carriage return and form
/// feed, and no markup at its start. CSV: at least two lines, each with the same number
/// (one or more) of one separator, comma or semicolon.
pub fn text_kind(sample: &[u8], complete: bool) -> Option<FileKind> {
    let text = match std::str::from_utf8(sample) {
        Ok(text) => text,
        // A character cut by the sample's end is not an error; any other bad byte is.
        Err(error) if !complete && error.error_len().is_none() => {
            std::str::from_utf8(&sample[..error.valid_up_to()]).ok()?
        }
        Err(_) => return None,
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
    {
        return None;
    }
    if text.trim_start().starts_with('<') {
        return None;
    }
    if text.trim().is_empty() {
        return None;
    }
    Some(if looks_like_csv(text, complete) {
        FileKind::Csv
    } else {
        FileKind::Text
    })
}

fn looks_like_csv(text: &str, complete: bool) -> bool {
    let mut lines: Vec<&str> = text.lines().filter(|line| !line.trim().is_empty()).collect();
    if !complete && !text.ends_with('\n') {
        // The last line may be cut off by the sample.
        lines.pop();
    }
    if lines.len() < 2 {
        return false;
    }
    [',', ';'].into_iter().any(|separator| {
        let first = lines[0].matches(separator).count();
        first > 0 && lines.iter().all(|line| line.matches(separator).count() == first)
    })
}

/// The name a file is kept and served under: the last part of what the uploader called it,
/// without control characters, quotes or path separators, at most [`FILENAME_MAX`] bytes,
/// ending in the extension of its kind; `file.<ext>` when nothing is left.
pub fn safe_filename(given: &str, kind: FileKind) -> String {
    let last = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | ';' | '<' | '>' | '*' | '?' | '|' | ':'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    let stem = match cleaned.rsplit_once('.') {
        Some((stem, ext)) if ext.eq_ignore_ascii_case(kind.extension()) || is_known_extension(ext) => stem.trim(),
        _ => cleaned,
    };
    let stem = if stem.is_empty() { "file" } else { stem };
    let suffix = format!(".{}", kind.extension());
    let mut kept = String::new();
    for c in stem.chars() {
        if kept.len() + c.len_utf8() + suffix.len() > FILENAME_MAX {
            break;
        }
        kept.push(c);
    }
    kept + &suffix
}

fn is_known_extension(ext: &str) -> bool {
    FileKind::ALL
        .iter()
        .any(|kind| kind.extension().eq_ignore_ascii_case(ext))
        || ["jpeg", "text", "doc", "xls", "ppt"]
            .iter()
            .any(|e| e.eq_ignore_ascii_case(ext))
}

/// What holds a file, with what its rules read.
#[derive(Debug, Clone, Copy)]
pub enum Parent<'a> {
    /// A challenge.
    Challenge(&'a Challenge),
    /// An idea.
    Idea(&'a Idea),
    /// An idea's test, running or not.
    Test {
        /// The tested idea.
        idea: &'a Idea,
        /// Whether the test still runs.
        running: bool,
    },
}

/// Whether `actor`, who sees the parent, may add a file to it or remove one (SPEC §15):
/// the innovation team always; a challenge's owner in draft and changes_requested; an
/// idea's innovator and accepted members until it is decided; a test's while it runs.
/// Anyone else: 403; an author outside those states: 409.
pub fn authorize_change(parent: Parent<'_>, actor: &Actor, command: &'static str) -> Result<(), Refusal> {
    if actor.is_facilitator() {
        return Ok(());
    }
    let (is_party, open, from) = match parent {
        Parent::Challenge(challenge) => (
            actor.id == challenge.owner_id,
            matches!(
                challenge.state,
                ChallengeState::Draft | ChallengeState::ChangesRequested
            ),
            challenge.state.as_str(),
        ),
        Parent::Idea(idea) => (
            idea.is_author(actor.id),
            matches!(
                idea.state,
                IdeaState::Draft | IdeaState::Submitted | IdeaState::InAssessment
            ),
            idea.state.as_str(),
        ),
        Parent::Test { idea, running } => (idea.is_author(actor.id), running, idea.state.as_str()),
    };
    if !is_party {
        return Err(Refusal::not_permitted(ForbiddenReason::OnlyEditorsChangeFiles));
    }
    if open {
        Ok(())
    } else {
        Err(Refusal::InvalidTransition { from, command })
    }
}

/// Whether a parent holding `held` files takes one more.
pub fn check_room(held: usize) -> Result<(), Refusal> {
    if held >= MAX_PER_PARENT {
        Err(Refusal::GuardFailed(ConflictReason::TooManyFiles {
            max: MAX_PER_PARENT,
        }))
    } else {
        Ok(())
    }
}

/// The refusal of a file whose type sluss does not keep (422).
pub fn refuse_type() -> Refusal {
    Refusal::invalid("file", FieldProblem::FileTypeNotAllowed)
}

#[cfg(test)]
mod tests;
