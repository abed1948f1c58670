//! The optional JSON body of a command that may carry no data.

use poem::{FromRequest, Request, RequestBody, Result};
use poem_openapi::error::ParseRequestPayloadError;
use poem_openapi::impl_apirequest_for_payload;
use poem_openapi::payload::{Json, ParsePayload, Payload};
use poem_openapi::registry::{MetaSchemaRef, Registry};
use poem_openapi::types::{ParseFromJSON, Type};
use serde_json::Value;

/// A JSON object that may be left out: no body (or an empty one) is `None`. Unlike
/// `Json<Option<T>>`, a body of `null` is refused, as the document says the body is an
/// object when it is given.
#[derive(Debug)]
pub struct OptionalJson<T>(pub Option<T>);

impl<T: Type> Payload for OptionalJson<T> {
    const CONTENT_TYPE: &'static str = <Json<T> as Payload>::CONTENT_TYPE;

    fn check_content_type(content_type: &str) -> bool {
        <Json<T> as Payload>::check_content_type(content_type)
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: ParseFromJSON> ParsePayload for OptionalJson<T> {
    const IS_REQUIRED: bool = false;

    async fn from_request(request: &Request, body: &mut RequestBody) -> Result<Self> {
        let data = Vec::<u8>::from_request(request, body).await?;
        if data.is_empty() {
            return Ok(Self(None));
        }
        let value: Value = serde_json::from_slice(&data).map_err(|err| ParseRequestPayloadError {
            reason: err.to_string(),
        })?;
        if value.is_null() {
            return Err(ParseRequestPayloadError {
                reason: "the body, when given, must be a JSON object; send no body instead of null".to_owned(),
            }
            .into());
        }
        let value = T::parse_from_json(Some(value)).map_err(|err| ParseRequestPayloadError {
            reason: err.into_message(),
        })?;
        Ok(Self(Some(value)))
    }
}

impl_apirequest_for_payload!(OptionalJson<T>, T: ParseFromJSON);
