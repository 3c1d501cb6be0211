//! Integers as JSON Schema reads them: `12` and `12.0` are the same integer, and a client's
//! JSON library may write either. A number with a fraction, or beyond `int64`, is refused.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// One integer of a request.
struct Integer(i64);

/// 2^63: the first whole number `int64` cannot hold.
const BEYOND_INT64: f64 = 9_223_372_036_854_775_808.0;

struct IntegerVisitor;

impl Visitor<'_> for IntegerVisitor {
    type Value = Integer;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a whole number within int64")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Integer, E> {
        Ok(Integer(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Integer, E> {
        i64::try_from(v)
            .map(Integer)
            .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Integer, E> {
        // Every f64 that is whole and within range converts to exactly that i64.
        if v.fract() == 0.0 && (-BEYOND_INT64..BEYOND_INT64).contains(&v) {
            Ok(Integer(v as i64))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }
}

impl<'de> Deserialize<'de> for Integer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IntegerVisitor)
    }
}

/// An optional integer member (`#[serde(default, deserialize_with = "…::optional")]`).
pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(Option::<Integer>::deserialize(d)?.map(|i| i.0))
}

/// An optional list of integers.
pub fn optional_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
    Ok(Option::<Vec<Integer>>::deserialize(d)?.map(|list| list.into_iter().map(|i| i.0).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Shape {
        #[serde(default, deserialize_with = "optional")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "optional_list")]
        list: Option<Vec<i64>>,
    }

    fn n(json: &str) -> Result<Option<i64>, String> {
        serde_json::from_str::<Shape>(json)
            .map(|s| s.n)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn whole_numbers_are_read_with_or_without_a_zero_fraction() {
        assert_eq!(n(r#"{"n": 12}"#), Ok(Some(12)));
        assert_eq!(n(r#"{"n": 12.0}"#), Ok(Some(12)));
        assert_eq!(n(r#"{"n": 1.2e3}"#), Ok(Some(1200)));
        assert_eq!(n(r#"{"n": -3.0}"#), Ok(Some(-3)));
        assert_eq!(n(r#"{"n": null}"#), Ok(None));
        assert_eq!(n(r#"{}"#), Ok(None));
        assert_eq!(n(r#"{"n": 9223372036854775807}"#), Ok(Some(i64::MAX)));
        for refused in [
            r#"{"n": 1.5}"#,
            r#"{"n": 9223372036854775808}"#,
            r#"{"n": 1e19}"#,
            r#"{"n": "1"}"#,
        ] {
            assert!(n(refused).is_err(), "{refused}");
        }
        let list = serde_json::from_str::<Shape>(r#"{"list": [1, 2.0]}"#).map(|s| s.list);
        assert_eq!(list.ok(), Some(Some(vec![1, 2])));
    }
}
