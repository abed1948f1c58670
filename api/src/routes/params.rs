//! Header parameters that many operations share, each described once.
//!
//! poem-openapi names a parameter after its argument and describes it from the doc comment
//! at each use, so a shared header would repeat its name, description and validators at
//! every operation. [`IfMatch`] and [`IdempotencyKey`] instead mark their schema with a
//! reference of their own, and [`HeaderParams`], wrapped around the service's APIs, gives
//! every parameter so marked its header name, description and schema. A doc comment at a
//! use still wins, for the few operations that say more.

use std::collections::HashMap;

use poem::endpoint::BoxEndpoint;
use poem::http::Method;
use poem::{Request, RequestBody, Result};
use poem_openapi::error::ParseParamError;
use poem_openapi::param::Header;
use poem_openapi::registry::{MetaApi, MetaOperationParam, MetaParamIn, MetaSchema, MetaSchemaRef, Registry};
use poem_openapi::validation::{MaxLength, MinLength, Pattern, Validator};
use poem_openapi::{ApiExtractor, ApiExtractorType, ExtractParamOptions, OpenApi};

use super::Expected;
use crate::error::ApiError;
use crate::idempotency::MAX_KEY_LEN;

/// How the `If-Match` header appears in the document.
const IF_MATCH: Documented = Documented {
    marker: "header:If-Match",
    name: "If-Match",
    description: "`\"N\"`: the version read; stale answers 412.",
};

/// How the `Idempotency-Key` header appears in the document.
const IDEMPOTENCY_KEY: Documented = Documented {
    marker: "header:Idempotency-Key",
    name: "Idempotency-Key",
    description: "Makes a retry safe: a repeat with the same key and body answers the first\n\
                  response again (with `Idempotent-Replayed: true`) and creates nothing twice; the\n\
                  same key with another body answers 422, and while the first request runs, 409.\n\
                  A UUID, say; kept 24 hours by default.",
};

/// The visible ASCII characters a key is made of.
const KEY_PATTERN: &str = r"^[!-~]+$";

/// A shared header: the reference that marks it, and what the document says of it.
struct Documented {
    marker: &'static str,
    name: &'static str,
    description: &'static str,
}

impl Documented {
    /// The schema the macro sees: a reference that [`HeaderParams`] replaces.
    fn marked(&self) -> MetaSchemaRef {
        MetaSchemaRef::Reference(self.marker.to_owned())
    }

    /// The header's value, read under its own name whatever the argument is called.
    async fn read(
        &self,
        request: &Request,
        body: &mut RequestBody,
        opts: ExtractParamOptions<Option<String>>,
    ) -> Result<Option<String>> {
        let opts = ExtractParamOptions {
            name: self.name,
            ..opts
        };
        Ok(Header::<Option<String>>::from_request(request, body, opts).await?.0)
    }
}

/// A header parameter described once: how it is documented, and what it accepts.
trait SharedHeader: Sized {
    /// Its name and description in the document.
    const DOCUMENTED: Documented;

    /// The parameter from the header's value, or why the value is refused.
    fn accept(value: Option<String>) -> Result<Self>;

    /// The header's value.
    fn value(&self) -> Option<&String>;
}

/// The extractor of a [`SharedHeader`]: a header read under its own name, its schema marked
/// for [`HeaderParams`].
macro_rules! shared_header_extractor {
    ($header:ty) => {
        impl<'a> ApiExtractor<'a> for $header {
            const TYPES: &'static [ApiExtractorType] = &[ApiExtractorType::Parameter];

            type ParamType = Option<String>;
            type ParamRawType = String;

            fn param_in() -> Option<MetaParamIn> {
                Some(MetaParamIn::Header)
            }

            fn param_schema_ref() -> Option<MetaSchemaRef> {
                Some(<$header as SharedHeader>::DOCUMENTED.marked())
            }

            fn param_raw_type(&self) -> Option<&String> {
                self.value()
            }

            async fn from_request(
                request: &'a Request,
                body: &mut RequestBody,
                opts: ExtractParamOptions<Option<String>>,
            ) -> Result<Self> {
                let value = <$header as SharedHeader>::DOCUMENTED
                    .read(request, body, opts)
                    .await?;
                <$header as SharedHeader>::accept(value)
            }
        }
    };
}

/// The `If-Match` header: the version the client read, as an ETag (`"3"`). It is parsed
/// only when the handler asks for [`IfMatch::expected`], so that a bad value is refused
/// after the path and body, as every operation did before.
pub struct IfMatch(Option<String>);

impl IfMatch {
    /// The expected version: `If-Match` wins over `expected_version` in the body.
    pub fn expected(&self, body: Option<i64>) -> Result<Option<Expected>, ApiError> {
        crate::app::expected_version(self.0.as_deref(), body)
    }
}

impl SharedHeader for IfMatch {
    const DOCUMENTED: Documented = IF_MATCH;

    fn accept(value: Option<String>) -> Result<Self> {
        Ok(Self(value))
    }

    fn value(&self) -> Option<&String> {
        self.0.as_ref()
    }
}

shared_header_extractor!(IfMatch);

/// The `Idempotency-Key` header. The `idempotent` transform acts on it before the handler
/// runs; the handler only checks its shape, as the validators of the old parameter did.
pub struct IdempotencyKey(Option<String>);

impl IdempotencyKey {
    /// The first rule the key breaks, in the order and words of poem-openapi's validators.
    fn broken_rule(key: &str) -> Option<String> {
        let max = MaxLength::new(MAX_KEY_LEN);
        let min = MinLength::new(1);
        let pattern = Pattern::new(KEY_PATTERN);
        if !max.check(&key) {
            return Some(max.to_string());
        }
        if !min.check(&key) {
            return Some(min.to_string());
        }
        (!pattern.check(&key)).then(|| pattern.to_string())
    }

    /// The header's schema: a string of visible ASCII characters.
    fn schema() -> MetaSchema {
        MetaSchema {
            max_length: Some(MAX_KEY_LEN),
            min_length: Some(1),
            pattern: Some(KEY_PATTERN.to_owned()),
            ..MetaSchema::new("string")
        }
    }
}

impl SharedHeader for IdempotencyKey {
    const DOCUMENTED: Documented = IDEMPOTENCY_KEY;

    fn accept(key: Option<String>) -> Result<Self> {
        if let Some(rule) = key.as_deref().and_then(Self::broken_rule) {
            return Err(ParseParamError {
                name: IDEMPOTENCY_KEY.name,
                reason: format!("verification failed. {rule}"),
            }
            .into());
        }
        Ok(Self(key))
    }

    fn value(&self) -> Option<&String> {
        self.0.as_ref()
    }
}

shared_header_extractor!(IdempotencyKey);

/// The service's APIs, with the shared header parameters documented.
pub struct HeaderParams<T>(pub T);

impl<T: OpenApi> OpenApi for HeaderParams<T> {
    fn meta() -> Vec<MetaApi> {
        let mut apis = T::meta();
        let params = apis
            .iter_mut()
            .flat_map(|api| api.paths.iter_mut())
            .flat_map(|path| path.operations.iter_mut())
            .flat_map(|operation| operation.params.iter_mut());
        for param in params {
            document(param);
        }
        apis
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }

    fn add_routes(self, route_table: &mut HashMap<String, HashMap<Method, BoxEndpoint<'static>>>) {
        self.0.add_routes(route_table);
    }
}

/// Gives a marked parameter its header name, schema and (unless its use says otherwise)
/// description; leaves any other parameter alone.
fn document(param: &mut MetaOperationParam) {
    let MetaSchemaRef::Reference(marker) = &param.schema else {
        return;
    };
    let (header, schema) = if marker == IF_MATCH.marker {
        (&IF_MATCH, MetaSchema::new("string"))
    } else if marker == IDEMPOTENCY_KEY.marker {
        (&IDEMPOTENCY_KEY, IdempotencyKey::schema())
    } else {
        return;
    };
    param.name = header.name.to_owned();
    param.schema = MetaSchemaRef::Inline(Box::new(schema));
    if param.description.is_none() {
        param.description = Some(header.description.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_refused_in_the_words_of_the_old_validators() {
        assert_eq!(IdempotencyKey::broken_rule("0192f0c4-7b1e-7c6e"), None);
        assert_eq!(IdempotencyKey::broken_rule(""), Some("minLength(1)".to_owned()));
        assert_eq!(
            IdempotencyKey::broken_rule("a b"),
            Some("pattern(\"^[!-~]+$\")".to_owned())
        );
        assert_eq!(
            IdempotencyKey::broken_rule(&"k".repeat(MAX_KEY_LEN + 1)),
            Some("maxLength(255)".to_owned())
        );
    }
}
