//! What a connect does with what hangs off the merged profile: it moves to the survivor in the
//! same write, so nothing is stranded on a profile that can no longer be changed, and no
//! customer account id stays locked to it. Where both hold the same thing, the survivor's wins.

use crate::accounts::MAX_ACCOUNTS;
use crate::addresses::PostalAddress;
use crate::customer::Customer;
use crate::ecards::Ecard;
use crate::error::{DomainError, Listed, Refusal};
use crate::listed::ListedItem;
use crate::notes::Note;
use crate::preferences::MAX_CHOSEN;

/// Moves `from`'s items that `to` lacks (by `same`) onto `to`, refusing beyond `max`.
fn move_list<T>(
    to: &mut Vec<T>,
    from: &mut Vec<T>,
    same: impl Fn(&T, &T) -> bool,
    what: Listed,
    max: usize,
) -> Result<(), DomainError> {
    let moving: Vec<T> = from.drain(..).filter(|m| !to.iter().any(|s| same(s, m))).collect();
    let total = to.len() + moving.len();
    if total > max {
        return Err(DomainError::refused(Refusal::MergeLimit { what, max, total }));
    }
    to.extend(moving);
    Ok(())
}

/// Moves the merged profile's accounts, postal addresses, chosen preferences, ecards and notes
/// to the survivor. An account id belongs to one profile, so accounts never collide; the
/// survivor keeps its default account (the merged one's becomes the default only when the
/// survivor has none). An address equal to one of the survivor's, a preference the survivor has
/// chosen too, and an ecard with a number the survivor has are not moved: the survivor's stay.
/// A list that would grow beyond its bound refuses the connect, and nothing moves.
pub fn move_what_hangs_off(survivor: &mut Customer, merged: &mut Customer) -> Result<(), DomainError> {
    move_list(
        &mut survivor.customer_accounts,
        &mut merged.customer_accounts,
        |a, b| a.account_id == b.account_id,
        Listed::CustomerAccounts,
        MAX_ACCOUNTS,
    )?;
    let merged_default = merged.default_account.take();
    if survivor.default_account.is_none() {
        survivor.default_account = merged_default;
    }
    move_list(
        &mut survivor.postal_addresses,
        &mut merged.postal_addresses,
        |a, b| a.details == b.details,
        Listed::PostalAddresses,
        PostalAddress::MAX,
    )?;
    move_list(
        &mut survivor.preferences,
        &mut merged.preferences,
        |a, b| a.preference_id == b.preference_id,
        Listed::Preferences,
        MAX_CHOSEN,
    )?;
    move_list(
        &mut survivor.ecards,
        &mut merged.ecards,
        |a, b| a.details.ecard_number16digits == b.details.ecard_number16digits,
        Listed::Ecards,
        Ecard::MAX,
    )?;
    move_list(
        &mut survivor.notes,
        &mut merged.notes,
        |a, b| a.id == b.id,
        Listed::Notes,
        Note::MAX,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::CustomerAccount;
    use crate::addresses::{AddressType, PostalAddressDetails};
    use crate::preferences::ChosenPreference;
    use crate::testing::{actor, new_customer, organisation};
    use crate::values::{AccountId, Country, CustomerNumber, ItemId};
    use chrono::{DateTime, Utc};

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    fn profile(number: i64) -> Customer {
        let number = CustomerNumber::parse("n", number).unwrap_or_else(|e| panic!("{e:?}"));
        new_customer(organisation(1), None).into_customer(number, now())
    }

    fn account(id: &str) -> CustomerAccount {
        CustomerAccount {
            id: ItemId::generate(),
            account_id: AccountId::parse("accountId", id).unwrap_or_else(|e| panic!("{e:?}")),
            alias: None,
            created_by: actor("t"),
            created_at: now(),
            changed_by: actor("t"),
            changed_at: now(),
        }
    }

    fn address(town: &str) -> PostalAddress {
        PostalAddress::new(
            PostalAddressDetails {
                town: town.into(),
                post_code: Some("0150".into()),
                country: Country::norway(),
                kind: AddressType::Private,
                verified_at: None,
                address_line1: None,
                address_line2: None,
            },
            now(),
        )
    }

    fn chosen(id: i64, value: &str) -> ChosenPreference {
        ChosenPreference {
            preference_id: ItemId::parse("id", id).unwrap_or_else(|e| panic!("{e:?}")),
            value: Some(value.into()),
            created_at: now(),
            changed_at: now(),
        }
    }

    #[test]
    fn everything_moves_and_the_survivor_wins_where_both_have_it() {
        let mut survivor = profile(1);
        let mut merged = profile(2);
        survivor.customer_accounts.push(account("s-1"));
        survivor.default_account = Some(survivor.customer_accounts[0].account_id.clone());
        merged.customer_accounts.extend([account("m-1"), account("m-2")]);
        merged.default_account = Some(merged.customer_accounts[1].account_id.clone());
        survivor.postal_addresses.push(address("Oslo"));
        let same_as_survivors = PostalAddress::new(survivor.postal_addresses[0].details.clone(), now());
        merged.postal_addresses.extend([same_as_survivors, address("Bergen")]);
        survivor.preferences.push(chosen(7, "survivor's"));
        merged
            .preferences
            .extend([chosen(7, "merged's"), chosen(8, "only merged")]);

        move_what_hangs_off(&mut survivor, &mut merged).unwrap_or_else(|e| panic!("{e:?}"));

        let accounts: Vec<&str> = survivor
            .customer_accounts
            .iter()
            .map(|a| a.account_id.as_str())
            .collect();
        assert_eq!(accounts, ["s-1", "m-1", "m-2"]);
        assert_eq!(survivor.default_account.as_ref().map(AccountId::as_str), Some("s-1"));
        let towns: Vec<&str> = survivor
            .postal_addresses
            .iter()
            .map(|a| a.details.town.as_str())
            .collect();
        assert_eq!(towns, ["Oslo", "Bergen"], "an equal address is not moved twice");
        let values: Vec<Option<&str>> = survivor.preferences.iter().map(|p| p.value.as_deref()).collect();
        assert_eq!(values, [Some("survivor's"), Some("only merged")]);
        assert!(merged.customer_accounts.is_empty() && merged.postal_addresses.is_empty());
        assert!(merged.preferences.is_empty() && merged.default_account.is_none());
    }

    #[test]
    fn a_survivor_without_accounts_takes_the_merged_default_and_a_full_list_refuses() {
        let mut survivor = profile(1);
        let mut merged = profile(2);
        merged.customer_accounts.push(account("m-1"));
        merged.default_account = Some(merged.customer_accounts[0].account_id.clone());
        move_what_hangs_off(&mut survivor, &mut merged).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(survivor.default_account.as_ref().map(AccountId::as_str), Some("m-1"));

        let mut survivor = profile(1);
        let mut merged = profile(2);
        survivor
            .customer_accounts
            .extend((0..15).map(|i| account(&format!("s-{i}"))));
        merged
            .customer_accounts
            .extend((0..6).map(|i| account(&format!("m-{i}"))));
        let refused = move_what_hangs_off(&mut survivor, &mut merged);
        assert!(
            matches!(
                refused,
                Err(DomainError::Refused(Refusal::MergeLimit {
                    what: Listed::CustomerAccounts,
                    max: 20,
                    total: 21
                }))
            ),
            "{refused:?}"
        );
    }
}
