//! Answers bounded in bytes. A Lambda answer is at most 6 MB, counted as the invocation's
//! response document, in which the body travels as one JSON string (every `"` and `\` of the
//! body escaped). Lists of full profiles (bulk lookups of up to 1,000, searches of up to 1,000,
//! pages of up to 100) could pass that, so they are built item by item and stop before an item
//! that would take the answer past [`RESPONSE_BUDGET`]; the 1.2 MB left is for the headers and
//! the document around the body.

use serde::Serialize;

/// The most a list answer's body may take inside the Lambda answer, in bytes.
pub const RESPONSE_BUDGET: usize = 5_000_000;

/// Set (to `true`) when a list answer left matching profiles out to stay within its budget.
pub const RESULT_TRUNCATED: &str = "result-truncated";
/// On a bulk lookup that was cut short: the position in the request's list (counted from 0) of
/// the first profile left out; ask again with the list from there.
pub const BULK_RESUME_INDEX: &str = "bulk-resume-index";

/// The bytes `json` takes as a JSON string inside the Lambda answer.
pub fn in_lambda_answer(json: &[u8]) -> usize {
    json.len() + memchr::memchr2_iter(b'"', b'\\', json).count()
}

/// A JSON array built one item at a time within a byte budget. Each item is written straight
/// into the array, and taken back out if it does not fit.
#[derive(Debug)]
pub struct BoundedArray {
    /// The array's text so far, from its opening bracket.
    items: Vec<u8>,
    count: usize,
    /// What the answer may still take.
    left: usize,
    full: bool,
}

impl BoundedArray {
    /// An array that, with `around` bytes of the answer outside it, stays within `budget`.
    pub fn new(budget: usize, around: usize) -> Self {
        Self {
            items: vec![b'['],
            count: 0,
            left: budget.saturating_sub(around + 2),
            full: false,
        }
    }

    /// Adds `item` if it fits; once one does not, no more are added.
    pub fn push<T: Serialize>(&mut self, item: &T) -> bool {
        if self.full {
            return false;
        }
        let before = self.items.len();
        if self.count > 0 {
            self.items.push(b',');
        }
        let written = serde_json::to_writer(&mut self.items, item).is_ok();
        let cost = self.items.get(before..).map_or(usize::MAX, in_lambda_answer);
        if !written || cost > self.left {
            self.items.truncate(before);
            self.full = true;
            return false;
        }
        self.left -= cost;
        self.count += 1;
        true
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Whether an item was left out.
    pub fn is_full(&self) -> bool {
        self.full
    }

    /// The array's JSON text.
    pub fn into_json(mut self) -> Vec<u8> {
        self.items.push(b']');
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quotes_and_backslashes_count_twice() {
        assert_eq!(in_lambda_answer(br#"{"a":"\n"}"#), 10 + 5);
    }

    proptest::proptest! {
        /// Counted a word at a time, as the bytes are counted one by one.
        #[test]
        fn the_count_is_the_byte_by_byte_count(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let one_by_one = bytes.len() + bytes.iter().filter(|b| matches!(b, b'"' | b'\\')).count();
            proptest::prop_assert_eq!(in_lambda_answer(&bytes), one_by_one);
        }
    }

    #[test]
    fn items_stop_before_the_one_that_does_not_fit_and_the_rest_is_valid_json() {
        let item = json!({"name": "x".repeat(20)});
        let one = in_lambda_answer(&serde_json::to_vec(&item).unwrap_or_default());
        let mut array = BoundedArray::new(2 + 3 * one + 2, 0);
        let added = (0..5).take_while(|_| array.push(&item)).count();
        assert_eq!((added, array.len(), array.is_full()), (3, 3, true));
        assert!(!array.push(&json!(1)), "nothing is added after the first item left out");
        let json = array.into_json();
        assert!(in_lambda_answer(&json) <= 2 + 3 * one + 2);
        let parsed: Vec<serde_json::Value> = serde_json::from_slice(&json).unwrap_or_default();
        assert_eq!(parsed, vec![item.clone(), item.clone(), item]);
    }
}
