//! Compressed answers (SPEC §14.5): pages, API answers, the document and the stylesheets
//! go out as brotli or gzip when the client accepts it.
//!
//! Only answers are compressed; a request body with a `Content-Encoding` is not unpacked
//! (so the 1 MiB body limit bounds what a request may hold). An answer is left as it is
//! when it has no body to speak of (HEAD, 204, 304, 1xx), already has an encoding, or is
//! of a kind that compresses badly (a zip archive, such as the open data or an XLSX
//! workbook). Every answer says `Vary: Accept-Encoding`. The `ETag` of a resource names
//! its version, not its bytes: it is the same in both encodings, as `If-Match` needs.

use poem::http::{HeaderValue, Method, StatusCode, header};
use poem::web::{Compress, CompressionAlgo, CompressionLevel};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result};

/// The media types worth compressing: text of every kind, JSON, JavaScript, SVG.
fn compressible(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.starts_with("text/")
        || essence.ends_with("json")
        || essence.ends_with("+xml")
        || matches!(essence, "application/javascript" | "application/xml")
}

/// The coding to answer `accept_encoding` with: brotli before gzip, neither when the
/// client refuses it (`;q=0`) or names neither.
fn negotiate<'a>(accept_encoding: impl Iterator<Item = &'a str>) -> Option<CompressionAlgo> {
    let mut best: Option<(CompressionAlgo, u16)> = None;
    for item in accept_encoding.flat_map(|value| value.split(',')) {
        let mut parts = item.split(';').map(str::trim);
        let coding = parts.next().unwrap_or_default();
        let quality = parts.find_map(|param| param.strip_prefix("q=")).map_or(1000, |q| {
            (q.parse::<f32>().unwrap_or(0.0).clamp(0.0, 1.0) * 1000.0) as u16
        });
        let (algo, rank) = match coding.to_ascii_lowercase().as_str() {
            "br" => (CompressionAlgo::BR, 2),
            "gzip" | "x-gzip" => (CompressionAlgo::GZIP, 1),
            _ => continue,
        };
        if quality == 0 {
            continue;
        }
        let score = quality * 4 + rank;
        if best.is_none_or(|(_, best_score)| score > best_score) {
            best = Some((algo, score));
        }
    }
    best.map(|(algo, _)| algo)
}

/// How hard `algo` works: brotli at quality 4 packs the document page tighter than gzip's
/// default in about the same time (its fastest setting packs it looser).
fn level(algo: CompressionAlgo) -> CompressionLevel {
    match algo {
        CompressionAlgo::BR => CompressionLevel::Precise(4),
        CompressionAlgo::GZIP | CompressionAlgo::DEFLATE | CompressionAlgo::ZSTD => CompressionLevel::Default,
    }
}

/// Whether `response` to a `method` request has a body worth compressing.
fn worth_compressing(method: &Method, response: &Response) -> bool {
    let status = response.status();
    let no_body = *method == Method::HEAD
        || status.is_informational()
        || status == StatusCode::NO_CONTENT
        || status == StatusCode::NOT_MODIFIED;
    let encoded = response.headers().contains_key(header::CONTENT_ENCODING);
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(compressible);
    !no_body && !encoded && kind
}

/// Adds `Accept-Encoding` to the answer's `Vary`.
fn vary_on_encoding(response: &mut Response) {
    let headers = response.headers_mut();
    let value = match headers.get(header::VARY).and_then(|v| v.to_str().ok()) {
        Some(existing) if existing.trim() == "*" => return,
        Some(existing) if !existing.is_empty() => format!("{existing}, Accept-Encoding"),
        _ => "Accept-Encoding".to_owned(),
    };
    if let Ok(value) = HeaderValue::from_str(&value) {
        headers.insert(header::VARY, value);
    }
}

/// Compresses the answers of the endpoint it wraps.
pub struct Compression;

impl<E: Endpoint> Middleware<E> for Compression {
    type Output = CompressionEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        CompressionEndpoint { inner }
    }
}

/// An endpoint wrapped by [`Compression`].
pub struct CompressionEndpoint<E> {
    inner: E,
}

impl<E: Endpoint> Endpoint for CompressionEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Response> {
        let algo = negotiate(
            req.headers()
                .get_all(header::ACCEPT_ENCODING)
                .iter()
                .filter_map(|value| value.to_str().ok()),
        );
        let method = req.method().clone();
        let mut response = self.inner.call(req).await?.into_response();
        vary_on_encoding(&mut response);
        match algo {
            Some(algo) if worth_compressing(&method, &response) => {
                Ok(Compress::new(response, algo).with_quality(level(algo)).into_response())
            }
            _ => Ok(response),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chosen(header: &str) -> Option<CompressionAlgo> {
        negotiate(std::iter::once(header))
    }

    #[test]
    fn brotli_is_chosen_over_gzip_unless_the_client_prefers_gzip() {
        assert_eq!(chosen("gzip, deflate, br"), Some(CompressionAlgo::BR));
        assert_eq!(chosen("gzip"), Some(CompressionAlgo::GZIP));
        assert_eq!(chosen("br;q=0.5, gzip"), Some(CompressionAlgo::GZIP));
        assert_eq!(chosen("GZIP"), Some(CompressionAlgo::GZIP));
    }

    #[test]
    fn a_refused_or_unknown_coding_leaves_the_answer_as_it_is() {
        assert_eq!(chosen("identity"), None);
        assert_eq!(chosen("deflate, zstd"), None);
        assert_eq!(chosen("br;q=0, gzip;q=0"), None);
        assert_eq!(chosen(""), None);
        assert_eq!(chosen("gzip;q=nonsense"), None);
    }

    #[test]
    fn text_json_and_scripts_are_compressed_archives_are_not() {
        for kind in [
            "text/html; charset=utf-8",
            "application/json",
            "application/problem+json",
            "text/csv; charset=utf-8",
            "application/javascript",
            "image/svg+xml",
        ] {
            assert!(compressible(kind), "{kind}");
        }
        for kind in [
            "application/zip",
            // An XLSX workbook is a zip archive too.
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "image/png",
            "font/woff2",
            "application/octet-stream",
        ] {
            assert!(!compressible(kind), "{kind}");
        }
    }
}
