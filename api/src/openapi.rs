//! The OpenAPI document as clients see it.
//!
//! poem-openapi describes an optional field (`Option<T>`, or a field with a default) by
//! leaving it out of `required`, but the server writes such a field as `null` when it is
//! empty and reads `null` as "absent". OpenAPI 3.0 calls that `nullable`, and a client
//! generator or a schema checker that is not told so rejects our own answers. [`finish`]
//! marks every optional property nullable, so the document says what the server does.
//!
//! The docs page (swagger-ui) pre-fills a request body from its schema, and would send
//! `expected_version: 0` with every command and update, so a newcomer's first "Try it out"
//! answered 409. [`CommandExamples`] gives each body with an `expected_version` an example
//! without it. It works on poem-openapi's registry, not on [`finish`]'s output, because the
//! docs page embeds the document poem-openapi generated.

use std::collections::{BTreeMap, HashMap};

use poem::endpoint::BoxEndpoint;
use poem::http::Method;
use poem_openapi::OpenApi;
use poem_openapi::registry::{MetaApi, MetaSchema, Registry};
use serde_json::{Map, Value, json};

/// The body field that carries the version a command or update expects.
const EXPECTED_VERSION: &str = "expected_version";

/// An API with no operations: listed last among the service's APIs, it sets the `example`
/// of every registered schema that has an `expected_version` property to what swagger-ui
/// would have generated, without that property.
pub struct CommandExamples;

impl OpenApi for CommandExamples {
    fn meta() -> Vec<MetaApi> {
        Vec::new()
    }

    fn register(registry: &mut Registry) {
        let schemas: Map<String, Value> = registry
            .schemas
            .iter()
            .filter_map(|(name, schema)| Some((name.clone(), serde_json::to_value(schema).ok()?)))
            .collect();
        set_command_examples(&mut registry.schemas, &schemas);
    }

    fn add_routes(self, _route_table: &mut HashMap<String, HashMap<Method, BoxEndpoint<'static>>>) {}
}

fn set_command_examples(registry: &mut BTreeMap<String, MetaSchema>, schemas: &Map<String, Value>) {
    for (name, schema) in registry.iter_mut() {
        if schema.example.is_none()
            && schema.properties.iter().any(|(field, _)| *field == EXPECTED_VERSION)
            && let Some(Value::Object(mut example)) = schemas.get(name).map(|s| sample(s, schemas, 0))
        {
            example.remove(EXPECTED_VERSION);
            schema.example = Some(Value::Object(example));
        }
    }
}

/// A value for `schema` as swagger-ui would generate it: its example or default, its first
/// enum value, or a placeholder of its type and format; objects with every property.
fn sample(schema: &Value, schemas: &Map<String, Value>, depth: usize) -> Value {
    if depth > 8 {
        return Value::Null;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/components/schemas/");
        return schemas
            .get(name)
            .map_or(Value::Null, |target| sample(target, schemas, depth + 1));
    }
    if let Some(value) = schema.get("example").or_else(|| schema.get("default")) {
        return value.clone();
    }
    if let Some(first) = schema.get("enum").and_then(Value::as_array).and_then(|v| v.first()) {
        return first.clone();
    }
    for combined in ["allOf", "oneOf", "anyOf"] {
        if let Some(first) = schema.get(combined).and_then(Value::as_array).and_then(|v| v.first()) {
            return sample(first, schemas, depth + 1);
        }
    }
    let minimum = schema.get("minimum").and_then(Value::as_f64);
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => Value::Object(
            schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|properties| {
                    properties
                        .iter()
                        .map(|(name, property)| (name.clone(), sample(property, schemas, depth + 1)))
                        .collect()
                })
                .unwrap_or_default(),
        ),
        Some("array") => Value::Array(
            schema
                .get("items")
                .map(|items| vec![sample(items, schemas, depth + 1)])
                .unwrap_or_default(),
        ),
        Some("integer") => json!(minimum.map_or(0, |m| m.ceil() as i64)),
        Some("number") => json!(minimum.unwrap_or(0.0)),
        Some("boolean") => json!(true),
        Some("string") => json!(match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => "2026-12-24T12:00:00Z",
            Some("date") => "2026-12-24",
            Some("uuid") => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
            Some("email") => "user@example.com",
            _ => "string",
        }),
        _ => Value::Null,
    }
}

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
    fn a_command_body_gets_an_example_without_its_expected_version() {
        let schemas = json!({
            "Outcome": {"type": "string", "enum": ["selected", "rejected"]},
            "DecideBody": {
                "type": "object",
                "required": ["outcome"],
                "properties": {
                    "outcome": {"$ref": "#/components/schemas/Outcome"},
                    "starts_on": {"type": "string", "format": "date"},
                    "expected_version": {"type": "integer", "format": "int64"},
                }
            }
        });
        let schemas = schemas.as_object().cloned().unwrap_or_default();
        let mut registry = BTreeMap::new();
        let mut decide = MetaSchema::new("object");
        decide.properties = vec![
            (
                "outcome",
                poem_openapi::registry::MetaSchemaRef::Reference("Outcome".to_owned()),
            ),
            (
                "expected_version",
                poem_openapi::registry::MetaSchemaRef::Inline(Box::new(MetaSchema::new("integer"))),
            ),
        ];
        registry.insert("DecideBody".to_owned(), decide);
        registry.insert("Outcome".to_owned(), MetaSchema::new("string"));
        set_command_examples(&mut registry, &schemas);
        assert_eq!(
            registry["DecideBody"].example,
            Some(json!({"outcome": "selected", "starts_on": "2026-12-24"}))
        );
        assert_eq!(registry["Outcome"].example, None);
    }

    #[test]
    fn a_document_that_does_not_parse_is_returned_unchanged() {
        assert_eq!(finish("not json"), "not json");
    }
}
