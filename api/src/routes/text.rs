//! A strict JSON string for request bodies.
//!
//! poem-openapi's `String` also accepts JSON numbers and booleans (turning `42` into
//! `"42"`); SPEC §7b wants a wrong type to be a 400, so request fields use [`Text`].
//! A missing or `null` text reads as empty, so the domain's checks answer 422 naming the
//! field ("missing `feedback`" is a 422 in SPEC §7b), never a parse error.

use std::borrow::Cow;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{ParseError, ParseFromJSON, ParseResult, ToJSON, Type};
use serde_json::Value;

/// A JSON string, and only a string.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text(pub String);

impl Text {
    /// The string.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Text {
    fn from(value: &str) -> Self {
        Text(value.to_owned())
    }
}

impl Type for Text {
    const IS_REQUIRED: bool = true;

    type RawValueType = Self;

    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "string".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema::new("string")))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(&'a self) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl ParseFromJSON for Text {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value.unwrap_or_default() {
            Value::String(text) => Ok(Text(text)),
            Value::Null => Ok(Text(String::new())),
            other => Err(ParseError::expected_type(other)),
        }
    }
}

impl ToJSON for Text {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String(self.0.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_or_null_reads_as_empty_for_the_checks_to_refuse() {
        assert_eq!(Text::parse_from_json(None).ok(), Some(Text::default()));
        assert_eq!(Text::parse_from_json(Some(Value::Null)).ok(), Some(Text::default()));
    }

    #[test]
    fn only_strings_parse() {
        assert_eq!(
            Text::parse_from_json(Some(Value::String("Sege".into()))).ok(),
            Some(Text::from("Sege"))
        );
        for value in [serde_json::json!(42), serde_json::json!(true), serde_json::json!([])] {
            assert!(Text::parse_from_json(Some(value)).is_err());
        }
    }
}
