//! Password hashes on DynamoDB: an attribute of the profile item, read only to check a password.

use crate::items::{self, PASSWORD_HASH};
use crate::store::DynamoStore;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;
use customers_domain::credentials::PasswordHash;
use customers_domain::customer::{Customer, UniqueClaim};
use customers_domain::ports::{PasswordHashes, StoreError};
use customers_domain::values::{CustomerNumber, OrganisationId};

fn hash_of(item: &items::Item) -> Option<PasswordHash> {
    match item.get(PASSWORD_HASH) {
        Some(AttributeValue::S(phc)) => Some(PasswordHash::from_stored(phc.clone())),
        _ => None,
    }
}

#[async_trait]
impl PasswordHashes for DynamoStore {
    async fn password_hash(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
    ) -> Result<Option<PasswordHash>, StoreError> {
        let item = self
            .get_item(items::profile_key(org, number), Some(PASSWORD_HASH))
            .await?;
        Ok(item.as_ref().and_then(hash_of))
    }

    /// Two consistent reads whatever the email: the guard, then the profile it names, or a key
    /// no profile has.
    async fn sign_in_candidate(
        &self,
        org: OrganisationId,
        email_key: &str,
    ) -> Result<Option<(Customer, Option<PasswordHash>)>, StoreError> {
        let claim = UniqueClaim::Email(email_key.to_string());
        let guard = self.get_item(items::guard_key(org, &claim), None).await?;
        let owner = guard.as_ref().and_then(items::owner_of);
        let key = match owner {
            Some(number) => items::profile_key(org, number),
            None => items::nobodys_key(org),
        };
        let Some(item) = self.get_item(key, None).await? else {
            return Ok(None);
        };
        let hash = hash_of(&item);
        let customer = items::customer_from_item(item).map_err(|u| {
            u.report();
            StoreError::Corrupt(format!("{} cannot be read: {}", u.key, u.reason))
        })?;
        // A guard left by an expired holder may name a profile that has another email now.
        Ok(Some((customer, hash)).filter(|(c, _)| c.email.as_ref().is_some_and(|e| e.key() == email_key)))
    }
}
