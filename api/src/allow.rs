//! What the OpenAPI document declares per path, enforced at the edge: the `Allow` header of
//! a 405 answer (RFC 9110 §15.5.6 requires it) lists exactly the methods served on that
//! path, and a query parameter that the operation does not declare is refused with 400
//! rather than silently ignored (a misspelt `?stat=draft` would otherwise list everything).

use std::sync::Arc;

use poem::http::{HeaderValue, Method, StatusCode};
use poem::{Endpoint, IntoResponse, Request, Response, Result};
use serde_json::Value;

/// One path template of the API, split into segments (`None` for a `{parameter}`).
#[derive(Debug)]
struct Template {
    segments: Vec<Option<String>>,
    allow: HeaderValue,
    /// Per method, the names of the query parameters the operation declares.
    queries: Vec<(Method, Vec<String>)>,
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
                let queries: Vec<(Method, Vec<String>)> = operations
                    .iter()
                    .filter_map(|(m, op)| Some((m.to_uppercase().parse::<Method>().ok()?, query_names(op))))
                    .collect();
                let mut methods: Vec<String> = queries.iter().map(|(m, _)| m.to_string()).collect();
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
                templates.push(Template {
                    segments,
                    allow,
                    queries,
                });
            }
        }
        Self(Arc::new(templates))
    }

    /// The template of a request path; literal segments win over parameters
    /// (`/ideas/mine` before `/ideas/{id}`).
    fn template(&self, path: &str) -> Option<&Template> {
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
    }

    /// The `Allow` value for a request path.
    fn lookup(&self, path: &str) -> Option<&HeaderValue> {
        self.template(path).map(|t| &t.allow)
    }

    /// The first query parameter of a request that its operation does not declare (a
    /// `HEAD` is judged as its `GET`). Paths and methods the document does not know are
    /// left to the router.
    fn undeclared_parameter(&self, method: &Method, path: &str, query: &str) -> Option<String> {
        let method = if method == Method::HEAD { &Method::GET } else { method };
        let (_, declared) = self.template(path)?.queries.iter().find(|(m, _)| m == method)?;
        url::form_urlencoded::parse(query.as_bytes())
            .map(|(name, _)| name)
            .find(|name| !declared.iter().any(|d| d == name))
            .map(|name| name.into_owned())
    }
}

/// The names of an operation's `in: query` parameters.
fn query_names(operation: &Value) -> Vec<String> {
    operation
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// Middleware: refuses with 400 a request whose query names a parameter its operation does
/// not declare.
pub async fn refuse_undeclared_query<E: Endpoint>(next: E, req: Request) -> Result<Response> {
    if let (Some(allowed), Some(query)) = (req.data::<AllowedMethods>(), req.uri().query())
        && let Some(name) = allowed.undeclared_parameter(req.method(), req.uri().path(), query)
    {
        let detail = if name.is_empty() {
            "the query holds a parameter without a name".to_owned()
        } else {
            format!("`{name}` is not a query parameter of this operation")
        };
        return Err(crate::error::ApiError::bad_request(detail).into());
    }
    Ok(next.call(req).await?.into_response())
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
            "/ideas": {"get": {"parameters": [
                {"name": "state", "in": "query"},
                {"name": "If-None-Match", "in": "header"},
            ]}},
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

    #[test]
    fn a_declared_query_parameter_passes_and_any_other_is_named() {
        let table = table();
        let get = Method::GET;
        assert_eq!(table.undeclared_parameter(&get, "/api/v1/ideas", "state=draft"), None);
        assert_eq!(
            table.undeclared_parameter(&Method::HEAD, "/api/v1/ideas", "state=x"),
            None
        );
        assert_eq!(
            table.undeclared_parameter(&get, "/api/v1/ideas", "state=draft&stat=x"),
            Some("stat".to_owned())
        );
        assert_eq!(
            table.undeclared_parameter(&get, "/api/v1/ideas", "=0"),
            Some(String::new())
        );
        assert_eq!(
            table.undeclared_parameter(&get, "/api/v1/ideas", "If-None-Match=x"),
            Some("If-None-Match".to_owned())
        );
        assert_eq!(
            table.undeclared_parameter(&get, "/api/v1/ideas/42", "x=1"),
            Some("x".to_owned())
        );
    }

    #[test]
    fn unknown_paths_and_methods_are_left_to_the_router() {
        let table = table();
        assert_eq!(table.undeclared_parameter(&Method::GET, "/api/v1/nothing", "x=1"), None);
        assert_eq!(
            table.undeclared_parameter(&Method::DELETE, "/api/v1/ideas", "x=1"),
            None
        );
    }
}
