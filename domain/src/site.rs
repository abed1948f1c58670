//! The city's own site (SPEC §16): who may set it up, the primary colour's contrast with
//! white text (WCAG 2.x AA: 4.5:1 for normal text), and the limits of its texts.

use crate::attachment::{FileKind, Sniffed, sniff};
use crate::error::{FieldProblem, ForbiddenReason, Refusal};
use crate::role::Actor;

/// The longest site name.
pub const SITE_NAME_MAX: usize = 100;
/// The longest privacy notice or accessibility statement, per language.
pub const PAGE_TEXT_MAX: usize = 50_000;
/// The largest logo, in KiB: a picture shown small in every page's header.
pub const LOGO_MAX_KIB: usize = 512;
/// The least contrast with white text WCAG AA asks of normal text, in hundredths (4.5:1).
pub const AA_CONTRAST_HUNDREDTHS: u32 = 450;

/// The site's settings are the facilitators' alone.
pub fn authorize(actor: &Actor) -> Result<(), Refusal> {
    if actor.is_facilitator() {
        Ok(())
    } else {
        Err(Refusal::NotPermitted(ForbiddenReason::OnlyFacilitatorsSetUpTheSite))
    }
}

/// A colour written `#rrggbb` (or `#rgb`), as its red, green and blue.
pub fn parse_colour(text: &str) -> Result<[u8; 3], FieldProblem> {
    let hex = text.trim().strip_prefix('#').ok_or(FieldProblem::NotAColour)?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(FieldProblem::NotAColour);
    }
    let channel = |digits: &str| u8::from_str_radix(digits, 16).map_err(|_| FieldProblem::NotAColour);
    match hex.len() {
        6 => Ok([channel(&hex[0..2])?, channel(&hex[2..4])?, channel(&hex[4..6])?]),
        3 => {
            let double = |i: usize| channel(&hex[i..=i].repeat(2));
            Ok([double(0)?, double(1)?, double(2)?])
        }
        _ => Err(FieldProblem::NotAColour),
    }
}

/// The relative luminance of a colour (WCAG 2.x): 0 for black, 1 for white.
pub fn relative_luminance([r, g, b]: [u8; 3]) -> f64 {
    fn linear(channel: u8) -> f64 {
        let c = f64::from(channel) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}

/// The contrast ratio of white text on the colour, from 1 (white) to 21 (black).
pub fn contrast_with_white(colour: [u8; 3]) -> f64 {
    1.05 / (relative_luminance(colour) + 0.05)
}

/// The contrast with white in hundredths, rounded down, so that 4.499 never passes as 4.5.
pub fn contrast_hundredths(colour: [u8; 3]) -> u32 {
    // The ratio lies in 1..=21, so its hundredths fit a u32.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let hundredths = (contrast_with_white(colour) * 100.0).floor() as u32;
    hundredths
}

/// A primary colour the header and buttons may take: `#rrggbb` (lower case) with at least
/// AA contrast against white text; otherwise why not.
pub fn check_primary_colour(text: &str) -> Result<String, FieldProblem> {
    let colour = parse_colour(text)?;
    let hundredths = contrast_hundredths(colour);
    if hundredths < AA_CONTRAST_HUNDREDTHS {
        return Err(FieldProblem::TooLittleContrast { hundredths });
    }
    let [r, g, b] = colour;
    Ok(format!("#{r:02x}{g:02x}{b:02x}"))
}

/// The kind of a logo, from its bytes (§15's checks): a PNG or WebP picture of at most
/// [`LOGO_MAX_KIB`]; otherwise why not.
pub fn check_logo(bytes: &[u8]) -> Result<FileKind, FieldProblem> {
    if bytes.is_empty() {
        return Err(FieldProblem::EmptyFile);
    }
    let refused = FieldProblem::LogoNotAllowed { max_kib: LOGO_MAX_KIB };
    if bytes.len() > LOGO_MAX_KIB * 1024 {
        return Err(refused);
    }
    match sniff(bytes) {
        Sniffed::Kind(kind @ (FileKind::Png | FileKind::Webp)) => Ok(kind),
        _ => Err(refused),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UserId;
    use crate::role::{Role, Roles};

    #[test]
    fn black_and_white_are_the_ends_of_the_scale() {
        assert_eq!(contrast_hundredths([0, 0, 0]), 2100);
        assert_eq!(contrast_hundredths([255, 255, 255]), 100);
    }

    #[test]
    fn known_colours_have_their_published_ratios() {
        // GOV.UK blue #1d70b8 is 5.17:1 with white (5.169…, so 516 hundredths rounded
        // down); #767676 is the lightest grey with AA contrast (4.54:1).
        assert_eq!(contrast_hundredths([0x1d, 0x70, 0xb8]), 516);
        assert_eq!(contrast_hundredths([0x76, 0x76, 0x76]), 454);
        assert_eq!(contrast_hundredths([0x77, 0x77, 0x77]), 447);
    }

    #[test]
    fn a_colour_with_aa_contrast_is_taken_in_lower_case() {
        assert_eq!(check_primary_colour("#1D70B8"), Ok("#1d70b8".to_owned()));
        assert_eq!(check_primary_colour(" #767676 "), Ok("#767676".to_owned()));
        assert_eq!(check_primary_colour("#000"), Ok("#000000".to_owned()));
    }

    #[test]
    fn a_colour_too_light_for_white_text_is_refused_with_its_ratio() {
        assert_eq!(
            check_primary_colour("#777777"),
            Err(FieldProblem::TooLittleContrast { hundredths: 447 })
        );
        assert_eq!(
            check_primary_colour("#ffdd00"),
            Err(FieldProblem::TooLittleContrast {
                hundredths: contrast_hundredths([0xff, 0xdd, 0x00])
            })
        );
    }

    #[test]
    fn only_hex_colours_are_read() {
        for text in ["1d70b8", "#1d70b", "#1d70b8ff", "#gggggg", "blue", "", "#", "#+1+2+3"] {
            assert_eq!(parse_colour(text), Err(FieldProblem::NotAColour), "{text}");
        }
        assert_eq!(parse_colour("#abc"), Ok([0xaa, 0xbb, 0xcc]));
    }

    #[test]
    fn a_logo_is_a_png_or_webp_picture_within_the_limit() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        assert_eq!(check_logo(&png), Ok(FileKind::Png));
        let webp = b"RIFF\x10\0\0\0WEBPVP8 ".to_vec();
        assert_eq!(check_logo(&webp), Ok(FileKind::Webp));
        let refused = Err(FieldProblem::LogoNotAllowed { max_kib: LOGO_MAX_KIB });
        assert_eq!(check_logo(b"\xFF\xD8\xFF\xE0 a JPEG"), refused);
        assert_eq!(check_logo(b"%PDF-1.7"), refused);
        assert_eq!(check_logo(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), refused);
        assert_eq!(check_logo(b""), Err(FieldProblem::EmptyFile));
        let mut big = png.clone();
        big.resize(LOGO_MAX_KIB * 1024, 0);
        assert_eq!(check_logo(&big), Ok(FileKind::Png));
        big.push(0);
        assert_eq!(check_logo(&big), refused);
    }

    #[test]
    fn only_facilitators_set_up_the_site() {
        let actor = |role| Actor {
            id: UserId(uuid::Uuid::nil()),
            roles: Roles::from_iter([role]),
        };
        assert!(authorize(&actor(Role::Facilitator)).is_ok());
        for role in [Role::Innovator, Role::NeedsOwner, Role::Assessor] {
            assert_eq!(
                authorize(&actor(role)),
                Err(Refusal::NotPermitted(ForbiddenReason::OnlyFacilitatorsSetUpTheSite))
            );
        }
    }
}
