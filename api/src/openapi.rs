//! The OpenAPI document as clients see it.
//!
//! poem-openapi describes an optional field (`Option<T>`, or a field with a default) by
//! leaving it out of `required`, but the server writes such a field as `null` when it is
//! empty and reads `null` as "absent". OpenAPI 3.0 calls that `nullable`, and a client
//! generator or a schema checker that is not told so rejects our own answers. [`finish`]
//! marks every optional property nullable, so the document says what the server does.

use serde_json::{Map, Value, json};

/// The document poem-openapi generated, with every optional object property marked
/// `nullable`. A document that does not parse (which poem-openapi never produces) is
/// returned unchanged.
pub fn finish(spec: &str) -> String {
    match serde_json::from_str::<Value>(spec) {
        Ok(mut doc) => {
            mark_optional_nullable(&mut doc);
            serde_json::to_string_pretty(&doc).unwrap_or_else(|_| spec.to_owned())
        }
        Err(_) => spec.to_owned(),
    }
}

/// Walks the whole document: component schemas and inline request/response schemas alike.
fn mark_optional_nullable(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                let required: Vec<String> = map
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|names| names.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                    .unwrap_or_default();
                let optional: Vec<String> = properties
                    .keys()
                    .filter(|name| !required.contains(name))
                    .cloned()
                    .collect();
                if let Some(Value::Object(properties)) = map.get_mut("properties") {
                    for name in optional {
                        if let Some(Value::Object(property)) = properties.get_mut(&name) {
                            make_nullable(property);
                        }
                    }
                }
            }
            for child in map.values_mut() {
                mark_optional_nullable(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mark_optional_nullable),
        _ => {}
    }
}

/// OpenAPI 3.0 ignores keywords beside a `$ref`, so a reference is wrapped in `allOf` first.
fn make_nullable(property: &mut Map<String, Value>) {
    if let Some(reference) = property.remove("$ref") {
        property.insert("allOf".to_owned(), json!([{ "$ref": reference }]));
    }
    property.insert("nullable".to_owned(), Value::Bool(true));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_properties_become_nullable_and_required_ones_stay_as_they_are() {
        let spec = json!({"components": {"schemas": {"Page": {
            "type": "object",
            "required": ["items"],
            "properties": {
                "items": {"type": "array", "items": {"type": "string"}},
                "next_cursor": {"type": "string"},
                "decision": {"$ref": "#/components/schemas/Decision"},
            }
        }}}});
        let out: Value = serde_json::from_str(&finish(&spec.to_string())).unwrap_or_default();
        let page = &out["components"]["schemas"]["Page"]["properties"];
        assert_eq!(page["items"].get("nullable"), None);
        assert_eq!(page["next_cursor"]["nullable"], json!(true));
        assert_eq!(page["decision"]["nullable"], json!(true));
        assert_eq!(
            page["decision"]["allOf"],
            json!([{"$ref": "#/components/schemas/Decision"}])
        );
        assert_eq!(page["decision"].get("$ref"), None);
    }

    #[test]
    fn a_document_that_does_not_parse_is_returned_unchanged() {
        assert_eq!(finish("not json"), "not json");
    }
}
