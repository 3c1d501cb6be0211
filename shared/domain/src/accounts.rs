//! Customer accounts for account-based ticketing. An account id belongs to at most one profile
//! of the organisation (a unique claim), and a customer with accounts has exactly one default:
//! the default is one value of the profile, moved in the same write that changes the accounts.

use crate::clock::Clock;
use crate::conditional::{Edit, ExpectedVersion, Profiles};
use crate::customer::Customer;
use crate::error::{DomainError, Listed, Missing, Refusal, UniqueValue};
use crate::listed::{ensure_changeable, ensure_removable};
use crate::ports::{Port, ProfileReads, ProfileWrites};
use crate::values::{AccountId, Actor, CustomerNumber, ItemId, OrganisationId, TextRule};
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub const ALIAS: TextRule = TextRule::line(0, 100);
pub const MAX_ACCOUNTS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerAccount {
    pub id: ItemId,
    pub account_id: AccountId,
    pub alias: Option<String>,
    pub created_by: Actor,
    pub created_at: DateTime<Utc>,
    pub changed_by: Actor,
    pub changed_at: DateTime<Utc>,
}

/// A new account for a profile.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub account_id: AccountId,
    pub alias: Option<String>,
    /// Make it the default (the first account always is).
    pub make_default: bool,
}

/// A change of an account: `None` keeps what is there.
#[derive(Debug, Clone, Default)]
pub struct AccountPatch {
    /// `Some(None)` removes the alias.
    pub alias: Option<Option<String>>,
    /// `Some(false)` on the default account is refused: make another account the default.
    pub is_default: Option<bool>,
}

impl Customer {
    fn account(&self, account_id: &AccountId) -> Option<&CustomerAccount> {
        self.customer_accounts.iter().find(|a| &a.account_id == account_id)
    }

    pub fn is_default_account(&self, account_id: &AccountId) -> bool {
        self.default_account.as_ref() == Some(account_id)
    }
}

pub struct CustomerAccounts {
    profiles: Profiles,
}

impl CustomerAccounts {
    pub const PORTS: &[Port] = &[Port::ProfileReads, Port::ProfileWrites];

    pub fn new<S: ProfileReads + ProfileWrites + 'static>(store: Arc<S>, clock: Arc<dyn Clock>) -> Self {
        Self {
            profiles: Profiles::new(store, clock),
        }
    }

    /// The live profile, to list its accounts.
    pub async fn profile(&self, org: OrganisationId, number: CustomerNumber) -> Result<Customer, DomainError> {
        self.profiles.live(org, number).await
    }

    pub async fn add(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
        account: NewAccount,
        by: Actor,
    ) -> Result<Customer, DomainError> {
        self.profiles
            .edit(Edit::of(org, number), |current, now| {
                ensure_changeable(current)?;
                if current.customer_accounts.len() >= MAX_ACCOUNTS {
                    return Err(DomainError::refused(Refusal::Limit {
                        what: Listed::CustomerAccounts,
                        max: MAX_ACCOUNTS,
                    }));
                }
                if current.account(&account.account_id).is_some() {
                    return Err(DomainError::Taken(UniqueValue::AccountId));
                }
                let mut next = current.bumped();
                next.customer_accounts.push(CustomerAccount {
                    id: ItemId::generate(),
                    account_id: account.account_id.clone(),
                    alias: account.alias.clone(),
                    created_by: by.clone(),
                    created_at: now,
                    changed_by: by.clone(),
                    changed_at: now,
                });
                // The first account is the default; a new default replaces the old in this write.
                if account.make_default || next.default_account.is_none() {
                    next.default_account = Some(account.account_id.clone());
                }
                Ok(next)
            })
            .await
    }

    pub async fn patch(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
        account_id: &AccountId,
        patch: AccountPatch,
        by: Actor,
        expected: Option<&ExpectedVersion>,
    ) -> Result<Customer, DomainError> {
        self.profiles
            .edit(Edit::of(org, number).expecting(expected), |current, now| {
                ensure_changeable(current)?;
                let account = current
                    .account(account_id)
                    .ok_or(DomainError::NotFound(Missing::CustomerAccount))?;
                let was_default = current.is_default_account(account_id);
                let make_default = patch.is_default.unwrap_or(was_default);
                if was_default && !make_default {
                    return Err(DomainError::refused(Refusal::LastDefaultAccount));
                }
                let alias = match &patch.alias {
                    None => account.alias.clone(),
                    Some(a) => a.clone(),
                };
                let mut next = current.bumped();
                if make_default {
                    next.default_account = Some(account_id.clone());
                }
                for a in next
                    .customer_accounts
                    .iter_mut()
                    .filter(|a| &a.account_id == account_id)
                {
                    a.alias = alias.clone();
                    a.changed_by = by.clone();
                    a.changed_at = now;
                }
                Ok(next)
            })
            .await
    }

    /// Deleting the default account makes the oldest remaining account the default, in the
    /// same write; deleting the last one leaves none.
    pub async fn remove(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
        account_id: &AccountId,
    ) -> Result<Customer, DomainError> {
        self.profiles
            .edit(Edit::of(org, number), |current, _| {
                ensure_removable(current)?;
                if current.account(account_id).is_none() {
                    return Err(DomainError::NotFound(Missing::CustomerAccount));
                }
                let mut next = current.bumped();
                next.customer_accounts.retain(|a| &a.account_id != account_id);
                if next.is_default_account(account_id) {
                    next.default_account = next
                        .customer_accounts
                        .iter()
                        .min_by_key(|a| a.created_at)
                        .map(|a| a.account_id.clone());
                }
                Ok(next)
            })
            .await
    }

    /// The live profile that holds the account. A merged profile answers with its survivor, as
    /// `GET /profiles/{n}` does (a connect moves the accounts along; an account a profile kept
    /// from a merge by an earlier version is followed the same way).
    pub async fn owner(&self, org: OrganisationId, account_id: &AccountId) -> Result<Customer, DomainError> {
        match self.profiles.reads.profile_by_account(org, account_id).await? {
            Some(c) if !c.is_expired(self.profiles.now()) => self.profiles.following_merges(org, c).await,
            _ => Err(DomainError::NotFound(Missing::Profile)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{World, actor, new_customer, organisation};

    fn account(id: &str, make_default: bool) -> NewAccount {
        NewAccount {
            account_id: AccountId::parse("accountId", id).unwrap_or_else(|e| panic!("{e:?}")),
            alias: None,
            make_default,
        }
    }

    #[tokio::test]
    async fn a_customer_with_accounts_always_has_exactly_one_default() {
        let w = World::new();
        let org = organisation(1);
        let n = w
            .profiles
            .create(org, new_customer(org, None), None)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
            .customer()
            .customer_number;
        let first = w.accounts.add(org, n, account("a-1", false), actor("t")).await;
        let first = first.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(
            first.default_account.as_ref().map(AccountId::as_str),
            Some("a-1"),
            "the first is the default"
        );
        w.clock.advance(chrono::Duration::seconds(1));
        let second = w.accounts.add(org, n, account("a-2", false), actor("t")).await;
        assert_eq!(
            second.ok().and_then(|c| c.default_account).map(|a| a.to_string()),
            Some("a-1".into())
        );
        w.clock.advance(chrono::Duration::seconds(1));
        let third = w.accounts.add(org, n, account("a-3", true), actor("t")).await;
        assert_eq!(
            third.ok().and_then(|c| c.default_account).map(|a| a.to_string()),
            Some("a-3".into())
        );
        let a3 = AccountId::parse("id", "a-3").unwrap_or_else(|e| panic!("{e:?}"));
        let unset = AccountPatch {
            alias: None,
            is_default: Some(false),
        };
        let refused = w.accounts.patch(org, n, &a3, unset, actor("t"), None).await;
        assert!(matches!(
            refused,
            Err(DomainError::Refused(Refusal::LastDefaultAccount))
        ));
        // Deleting the default makes the oldest remaining one the default.
        let after = w.accounts.remove(org, n, &a3).await.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(after.default_account.map(|a| a.to_string()), Some("a-1".into()));
        // An account id belongs to one profile of the organisation.
        let other = w
            .profiles
            .create(org, new_customer(org, None), None)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
            .customer()
            .customer_number;
        let taken = w.accounts.add(org, other, account("a-1", false), actor("t")).await;
        assert!(
            matches!(taken, Err(DomainError::Taken(UniqueValue::AccountId))),
            "{taken:?}"
        );
    }
}
