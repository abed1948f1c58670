//! The stylesheets, embedded in the binary and served under a URL that carries a hash of
//! their content, so a browser may keep them for a year (SPEC §10.1).

use std::sync::LazyLock;

use poem::http::{StatusCode, header};
use poem::web::Path;
use poem::{Response, handler};
use sha2::{Digest, Sha256};

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// The file's name before hashing, e.g. `sluss.css`.
    pub name: &'static str,
    /// The path it is served at, with the content hash.
    pub path: String,
    content_type: &'static str,
    bytes: &'static [u8],
}

/// Where the assets are served.
pub const PREFIX: &str = "/assets";

fn asset(name: &'static str, content_type: &'static str, bytes: &'static [u8]) -> Asset {
    let hash = hex::encode(&Sha256::digest(bytes)[..6]);
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    Asset {
        name,
        path: format!("{PREFIX}/{stem}.{hash}.{ext}"),
        content_type,
        bytes,
    }
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    vec![
        asset(
            "govuk-frontend.css",
            "text/css; charset=utf-8",
            include_bytes!("../../assets/govuk-frontend.min.css"),
        ),
        asset(
            "sluss.css",
            "text/css; charset=utf-8",
            include_bytes!("../../assets/sluss.css"),
        ),
    ]
});

/// The hashed URL of an embedded file, by its plain name.
pub fn url(name: &str) -> &'static str {
    ASSETS
        .iter()
        .find(|a| a.name == name)
        .map_or("/assets/missing", |a| a.path.as_str())
}

/// `GET /assets/{file}`: an embedded file, cacheable for a year; any other name is 404.
#[handler]
pub fn serve(Path(file): Path<String>) -> Response {
    let wanted = format!("{PREFIX}/{file}");
    match ASSETS.iter().find(|a| a.path == wanted) {
        Some(asset) => Response::builder()
            .header(header::CONTENT_TYPE, asset.content_type)
            .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
            .body(asset.bytes),
        None => Response::builder().status(StatusCode::NOT_FOUND).finish(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_urls_carry_a_content_hash() {
        let css = url("sluss.css");
        assert!(css.starts_with("/assets/sluss."), "{css}");
        assert!(css.ends_with(".css"));
        assert_eq!(css.len(), "/assets/sluss..css".len() + 12);
    }
}
