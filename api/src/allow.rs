//! The `Allow` header of a 405 answer (RFC 9110 §15.5.6 requires it), taken from the
//! OpenAPI document so it always lists exactly the methods the API serves on that path.

use std::sync::Arc;

use poem::http::{HeaderValue, Method, StatusCode};
use poem::{Endpoint, IntoResponse, Request, Response, Result};
use serde_json::Value;

/// One path template of the API, split into segments (`None` for a `{parameter}`).
#[derive(Debug)]
struct Template {
    segments: Vec<Option<String>>,
    allow: HeaderValue,
}

/// The methods served per path template, read from the finished OpenAPI document.
#[derive(Debug, Clone)]
pub struct AllowedMethods(Arc<Vec<Template>>);

impl AllowedMethods {
    /// Reads the paths of `spec` (served under `base`). A document without paths gives an
    /// empty table: 405 answers then simply carry no `Allow` header.
    pub fn from_spec(spec: &str, base: &str) -> Self {
        let doc: Value = serde_json::from_str(spec).unwrap_or(Value::Null);
        let mut templates = Vec::new();
        if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
            for (path, operations) in paths {
                let Some(operations) = operations.as_object() else {
                    continue;
                };
                let mut methods: Vec<String> = operations
                    .keys()
                    .filter_map(|m| m.to_uppercase().parse::<Method>().ok())
                    .map(|m| m.to_string())
                    .collect();
                if methods.iter().any(|m| m == "GET") {
                    methods.push("HEAD".to_owned());
                }
                let Ok(allow) = HeaderValue::from_str(&methods.join(", ")) else {
                    continue;
                };
                let segments = format!("{base}{path}")
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
                    .collect();
                templates.push(Template { segments, allow });
            }
        }
        Self(Arc::new(templates))
    }

    /// The `Allow` value for a request path; literal segments win over parameters
    /// (`/ideas/mine` before `/ideas/{id}`).
    fn lookup(&self, path: &str) -> Option<&HeaderValue> {
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        self.0
            .iter()
            .filter(|t| {
                t.segments.len() == parts.len()
                    && t.segments
                        .iter()
                        .zip(&parts)
                        .all(|(seg, part)| seg.as_deref().is_none_or(|s| s == *part))
            })
            .max_by_key(|t| t.segments.iter().filter(|s| s.is_some()).count())
            .map(|t| &t.allow)
    }
}

/// Middleware: adds `Allow` to every 405 answer.
pub async fn add_allow_header<E: Endpoint>(next: E, req: Request) -> Result<Response> {
    let allowed = req.data::<AllowedMethods>().cloned();
    let path = req.uri().path().to_owned();
    let mut response = next.call(req).await?.into_response();
    if response.status() == StatusCode::METHOD_NOT_ALLOWED
        && let Some(allow) = allowed.as_ref().and_then(|a| a.lookup(&path))
    {
        response.headers_mut().insert(poem::http::header::ALLOW, allow.clone());
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> AllowedMethods {
        let spec = serde_json::json!({"paths": {
            "/ideas/{id}": {"get": {}, "patch": {}},
            "/ideas/{id}/submit": {"post": {}},
            "/ideas": {"get": {}},
        }});
        AllowedMethods::from_spec(&spec.to_string(), "/api/v1")
    }

    #[test]
    fn a_path_gets_the_methods_of_its_template() {
        let table = table();
        assert_eq!(
            table.lookup("/api/v1/ideas/42").map(|v| v.to_str().ok()),
            Some(Some("GET, PATCH, HEAD"))
        );
        assert_eq!(
            table.lookup("/api/v1/ideas/42/submit").map(|v| v.to_str().ok()),
            Some(Some("POST"))
        );
        assert_eq!(
            table.lookup("/api/v1/ideas").map(|v| v.to_str().ok()),
            Some(Some("GET, HEAD"))
        );
    }

    #[test]
    fn an_unknown_path_gets_nothing() {
        assert!(table().lookup("/api/v1/nothing/here/at/all").is_none());
    }
}
