//! Reads an item into its record, taking the SDK's attribute values as they come.
//!
//! `serde_dynamo` (which still writes every item) reads by first converting a whole item into
//! its own attribute values, hashing every attribute name of every map into a new table. For a
//! profile, that conversion was 39% of its decoding, and decoding is most of a search's own time
//! (docs/performance.md). This reader hands each attribute to the record's `Deserialize` as it
//! is: names and strings are moved, not copied, and the attributes a record does not name are
//! dropped unread. It reads what `serde_dynamo` writes; a property test checks that both read
//! every profile alike.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::value::StringDeserializer;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashMap;
use std::fmt;

/// Why an item could not be read as its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadError(String);

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ReadError {}

impl de::Error for ReadError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

/// The record an item holds.
pub(crate) fn from_item<T: DeserializeOwned>(item: HashMap<String, AttributeValue>) -> Result<T, ReadError> {
    T::deserialize(Value(AttributeValue::M(item)))
}

/// One attribute value, read once.
struct Value(AttributeValue);

impl<'de> de::Deserializer<'de> for Value {
    type Error = ReadError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        match self.0 {
            AttributeValue::S(s) => visitor.visit_string(s),
            AttributeValue::N(n) => number(&n, visitor),
            AttributeValue::Bool(b) => visitor.visit_bool(b),
            AttributeValue::Null(_) => visitor.visit_unit(),
            AttributeValue::M(m) => visitor.visit_map(Map {
                entries: m.into_iter(),
                value: None,
            }),
            AttributeValue::L(l) => visitor.visit_seq(Seq(l.into_iter())),
            AttributeValue::Ss(ss) => visitor.visit_seq(Seq(ss.into_iter().map(AttributeValue::S))),
            AttributeValue::Ns(ns) => visitor.visit_seq(Seq(ns.into_iter().map(AttributeValue::N))),
            AttributeValue::B(b) => visitor.visit_byte_buf(b.into_inner()),
            AttributeValue::Bs(bs) => visitor.visit_seq(Seq(bs.into_iter().map(AttributeValue::B))),
            _ => Err(de::Error::custom("an attribute of a type this reader does not know")),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        match self.0 {
            AttributeValue::Null(_) => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        visitor.visit_newtype_struct(self)
    }

    /// A unit variant is stored as its name.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ReadError> {
        match self.0 {
            AttributeValue::S(s) => visitor.visit_enum(IntoDeserializer::<ReadError>::into_deserializer(s)),
            _ => Err(de::Error::custom("an enum stored other than by its name")),
        }
    }

    /// An attribute the record does not name: dropped without being read.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ReadError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct seq tuple tuple_struct map struct identifier
    }
}

/// A number as the widest type that holds it exactly; the visitor narrows it, or refuses it.
fn number<'de, V: Visitor<'de>>(text: &str, visitor: V) -> Result<V::Value, ReadError> {
    if let Ok(i) = text.parse::<i64>() {
        visitor.visit_i64(i)
    } else if let Ok(u) = text.parse::<u64>() {
        visitor.visit_u64(u)
    } else if let Ok(f) = text.parse::<f64>() {
        visitor.visit_f64(f)
    } else {
        Err(de::Error::custom(format!("{text:?} is not a number")))
    }
}

struct Map<I> {
    entries: I,
    value: Option<AttributeValue>,
}

impl<'de, I: Iterator<Item = (String, AttributeValue)>> MapAccess<'de> for Map<I> {
    type Error = ReadError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, ReadError> {
        match self.entries.next() {
            Some((name, value)) => {
                self.value = Some(value);
                seed.deserialize(StringDeserializer::<ReadError>::new(name)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, ReadError> {
        match self.value.take() {
            Some(value) => seed.deserialize(Value(value)),
            None => Err(de::Error::custom("a map's value asked for before its name")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.entries.size_hint().1
    }
}

struct Seq<I>(I);

impl<'de, I: Iterator<Item = AttributeValue>> SeqAccess<'de> for Seq<I> {
    type Error = ReadError;

    fn next_element_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, ReadError> {
        self.0.next().map(|value| seed.deserialize(Value(value))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint().1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Inner {
        code: String,
        #[serde(default)]
        note: Option<String>,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Record {
        number: i64,
        small: u32,
        ratio: f64,
        flag: bool,
        name: String,
        missing: Option<String>,
        nothing: Option<String>,
        inner: Inner,
        list: Vec<Inner>,
        tags: Vec<String>,
        counts: Vec<i64>,
        bytes: Vec<u8>,
    }

    fn record() -> Record {
        Record {
            number: -9_007_199_254_740_993,
            small: 4_000_000_000,
            ratio: 0.25,
            flag: true,
            name: "Ærlig Øst".into(),
            missing: None,
            nothing: None,
            inner: Inner {
                code: "NO".into(),
                note: Some("x".into()),
            },
            list: vec![
                Inner {
                    code: "SE".into(),
                    note: None,
                },
                Inner {
                    code: "DK".into(),
                    note: Some(String::new()),
                },
            ],
            tags: vec!["a".into(), "b".into()],
            counts: vec![1, -2],
            bytes: vec![0, 255],
        }
    }

    /// What `serde_dynamo` writes, read back the same, sets and `NULL` included.
    #[test]
    fn reads_what_serde_dynamo_writes() {
        let written = record();
        let mut item: HashMap<String, AttributeValue> =
            serde_dynamo::to_item(&written).unwrap_or_else(|e| panic!("{e}"));
        item.remove("missing");
        item.insert("nothing".into(), AttributeValue::Null(true));
        item.insert("tags".into(), AttributeValue::Ss(vec!["a".into(), "b".into()]));
        item.insert("counts".into(), AttributeValue::Ns(vec!["1".into(), "-2".into()]));
        item.insert("pk".into(), AttributeValue::S("not in the record".into()));
        item.insert("other".into(), AttributeValue::Ns(vec!["12".into()]));
        assert_eq!(from_item::<Record>(item), Ok(written));
    }

    /// Each attribute of the wrong type, a number out of range and a missing attribute: an
    /// error, never a panic or a value made up.
    #[test]
    fn an_attribute_of_the_wrong_shape_is_an_error() {
        let item = || serde_dynamo::to_item::<_, HashMap<String, AttributeValue>>(record()).unwrap_or_default();
        let wrong = [
            ("number", AttributeValue::S("12".into())),
            ("number", AttributeValue::N("twelve".into())),
            ("number", AttributeValue::N("1e400".into())),
            ("small", AttributeValue::N("-1".into())),
            ("small", AttributeValue::N("4294967296".into())),
            ("flag", AttributeValue::N("1".into())),
            ("name", AttributeValue::N("1".into())),
            ("name", AttributeValue::Null(true)),
            ("inner", AttributeValue::S("NO".into())),
            ("list", AttributeValue::M(HashMap::new())),
            ("tags", AttributeValue::Ns(vec!["1".into()])),
        ];
        for (name, value) in wrong {
            let mut item = item();
            item.insert(name.into(), value.clone());
            assert!(from_item::<Record>(item).is_err(), "{name}: {value:?}");
        }
        let mut item = item();
        item.remove("name");
        assert_eq!(
            from_item::<Record>(item).map_err(|e| e.to_string()),
            Err("missing field `name`".to_string())
        );
    }
}
