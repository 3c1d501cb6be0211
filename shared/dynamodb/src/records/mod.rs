//! What the items hold, as types of their own: the adapter maps them to and from the domain's
//! entities, so the domain's types never are the stored form.

mod idempotency;
mod preference;
mod profile;
mod reading;

pub(crate) use idempotency::IdempotencyItem;
pub(crate) use preference::PreferenceRecord;
pub(crate) use profile::ProfileRecord;
pub(crate) use reading::from_item;

#[cfg(test)]
mod roundtrip;
