//! Profiles on DynamoDB: reads by number, reference and account id; searches over the search
//! entries; and writes that move a profile's guards and entries with it in one transaction.

use crate::error::{unavailable, within_deadline};
use crate::items::{self, EXPIRES_AT, Item, PASSWORD_HASH, PK, SK, VERSION, n, s};
use crate::store::DynamoStore;
use crate::transact::{Failure, Part, TRANSACTION_MAX_ITEMS, claim_kind};
use async_trait::async_trait;
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};
use chrono::{DateTime, Utc};
use customers_domain::customer::{Customer, SearchKey, UniqueClaim};
use customers_domain::ports::{
    Batch, Change, FiledEntries, FindCursor, FoundPage, Growth, NewProfile, ProfileBatches, ProfileReads,
    ProfileSearch, ProfileWrites, Requirement, StoreError,
};
use customers_domain::values::{AccountId, CustomerNumber, CustomerRef, OrganisationId};
use std::collections::{BTreeSet, HashMap};

fn batch(items: Vec<Item>) -> Batch {
    let mut batch = Batch::default();
    for item in items {
        match items::customer_from_item(item) {
            Ok(c) => batch.customers.push(c),
            Err(u) => batch.unreadable.push(u),
        }
    }
    batch
}

/// Whether the profile is still filed under the key searched for (an entry whose profile moved on
/// is stale, not a match).
fn files_under(customer: &Customer, wanted: &SearchKey) -> bool {
    customer.search_keys().iter().any(|have| wanted.finds(have))
}

impl DynamoStore {
    /// The profile a guard names, if it still holds the guarded value (a guard left by an
    /// expired holder may point at a profile that has moved on).
    pub(crate) async fn guarded(
        &self,
        org: OrganisationId,
        claim: &UniqueClaim,
        holds: impl Fn(&Customer) -> bool,
    ) -> Result<Option<Customer>, StoreError> {
        let guard = self.get_item(items::guard_key(org, claim), None).await?;
        let Some(owner) = guard.as_ref().and_then(items::owner_of) else {
            return Ok(None);
        };
        Ok(self.profile(org, owner).await?.filter(holds))
    }

    /// The update of the profile item from `previous` to `next`: its own attributes (others,
    /// such as the password hash, stay unless a new hash is given), on condition of the version.
    fn profile_update(&self, change: &Change<'_>) -> Result<TransactWriteItem, StoreError> {
        let (previous, next) = (change.previous, change.next);
        let before = items::customer_attributes(previous)?;
        let mut after = items::customer_attributes(next)?;
        if let Some(t) = next.expiration_date {
            after.insert(EXPIRES_AT.into(), n(t.timestamp()));
        }
        if let Some(hash) = change.password {
            after.insert(PASSWORD_HASH.into(), s(hash.as_phc()));
        }
        let mut names = HashMap::new();
        let mut values = HashMap::new();
        let mut sets = Vec::new();
        for (i, (name, value)) in after.iter().enumerate() {
            names.insert(format!("#a{i}"), name.clone());
            values.insert(format!(":a{i}"), value.clone());
            sets.push(format!("#a{i} = :a{i}"));
        }
        let mut removed: BTreeSet<String> = before.keys().filter(|k| !after.contains_key(*k)).cloned().collect();
        if next.expiration_date.is_none() {
            removed.insert(EXPIRES_AT.into());
        }
        let removes: Vec<String> = removed
            .iter()
            .enumerate()
            .map(|(i, name)| {
                names.insert(format!("#r{i}"), name.clone());
                format!("#r{i}")
            })
            .collect();
        names.insert("#version".into(), VERSION.into());
        names.insert("#pk".into(), PK.into());
        values.insert(":expected".into(), n(previous.version.value()));
        let mut expression = format!("SET {}", sets.join(", "));
        if !removes.is_empty() {
            expression.push_str(&format!(" REMOVE {}", removes.join(", ")));
        }
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(items::profile_key(next.organisation_id, next.customer_number)))
            .update_expression(expression)
            .condition_expression("attribute_exists(#pk) AND #version = :expected")
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|e| StoreError::Corrupt(format!("Update profile: {e}")))?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Everything that takes one profile from `previous` to `next`: the profile item, and the
    /// guards and search entries that change (all of them when the expiry moves, to move their
    /// TTL). `moving` holds the values the changes of the same transaction give up, by giver, and
    /// `taken` those of them another change takes: such a guard is not deleted by its giver but
    /// put once, for its taker, on condition that the giver still holds it.
    fn change_writes(
        &self,
        change: &Change<'_>,
        moving: &HashMap<UniqueClaim, CustomerNumber>,
        taken: &BTreeSet<UniqueClaim>,
        now: DateTime<Utc>,
    ) -> Result<Vec<(Part, TransactWriteItem)>, StoreError> {
        let (previous, next) = (change.previous, change.next);
        let org = next.organisation_id;
        let number = next.customer_number;
        let mut writes = vec![(Part::Profile, self.profile_update(change)?)];
        let expiry_moved = previous.expiration_date != next.expiration_date;
        // Search entries record both (items::search_entry).
        let entries_moved = expiry_moved || previous.profile_type != next.profile_type;
        let old_claims: BTreeSet<UniqueClaim> = previous.unique_claims().into_iter().collect();
        let new_claims: BTreeSet<UniqueClaim> = next.unique_claims().into_iter().collect();
        for claim in old_claims.difference(&new_claims) {
            if !taken.contains(claim) {
                writes.push((Part::Guard(claim_kind(claim)), self.guard_delete(org, claim, number)?));
            }
        }
        for claim in &new_claims {
            if !old_claims.contains(claim) || expiry_moved {
                let from = moving.get(claim).copied().filter(|giver| *giver != number);
                writes.push((
                    Part::Guard(claim_kind(claim)),
                    self.guard_put(org, claim, next, from, now)?,
                ));
            }
        }
        let old_keys: BTreeSet<SearchKey> = previous.search_keys().into_iter().collect();
        let new_keys: BTreeSet<SearchKey> = next.search_keys().into_iter().collect();
        for key in old_keys.difference(&new_keys) {
            writes.push((Part::SearchEntry, self.search_delete(org, key, number)?));
        }
        for key in &new_keys {
            if !old_keys.contains(key) || entries_moved {
                writes.push((Part::SearchEntry, self.search_put(org, key, next)?));
            }
        }
        Ok(writes)
    }
}

#[async_trait]
impl ProfileReads for DynamoStore {
    async fn profile(&self, org: OrganisationId, number: CustomerNumber) -> Result<Option<Customer>, StoreError> {
        match self.get_item(items::profile_key(org, number), None).await? {
            None => Ok(None),
            Some(item) => items::customer_from_item(item).map(Some).map_err(|u| {
                u.report();
                StoreError::Corrupt(format!("profile {number} cannot be read: {}", u.reason))
            }),
        }
    }

    async fn profile_by_ref(
        &self,
        org: OrganisationId,
        reference: &CustomerRef,
    ) -> Result<Option<Customer>, StoreError> {
        let claim = UniqueClaim::CustomerRef(reference.as_str().to_string());
        self.guarded(org, &claim, |c| &c.customer_ref == reference).await
    }

    async fn profile_by_account(
        &self,
        org: OrganisationId,
        account: &AccountId,
    ) -> Result<Option<Customer>, StoreError> {
        let claim = UniqueClaim::Account(account.as_str().to_string());
        self.guarded(org, &claim, |c| {
            c.customer_accounts.iter().any(|a| &a.account_id == account)
        })
        .await
    }
}

#[async_trait]
impl ProfileBatches for DynamoStore {
    async fn profiles(&self, org: OrganisationId, numbers: &[CustomerNumber]) -> Result<Batch, StoreError> {
        let keys = numbers.iter().map(|n| items::profile_key(org, *n)).collect();
        Ok(batch(self.batch_get(keys).await?))
    }

    async fn profiles_by_ref(&self, org: OrganisationId, references: &[CustomerRef]) -> Result<Batch, StoreError> {
        let keys = references
            .iter()
            .map(|r| items::guard_key(org, &UniqueClaim::CustomerRef(r.as_str().to_string())))
            .collect();
        let guards = self.batch_get(keys).await?;
        let numbers: Vec<CustomerNumber> = guards.iter().filter_map(items::owner_of).collect();
        let wanted: BTreeSet<&CustomerRef> = references.iter().collect();
        let mut found = self.profiles(org, &numbers).await?;
        found.customers.retain(|c| wanted.contains(&c.customer_ref));
        Ok(found)
    }
}

#[async_trait]
impl ProfileSearch for DynamoStore {
    async fn find(
        &self,
        org: OrganisationId,
        key: &SearchKey,
        after: Option<FindCursor>,
        limit: usize,
    ) -> Result<FoundPage, StoreError> {
        let (query, pk) = self.entries_query(org, key);
        let mut query = query.limit(i32::try_from(limit).unwrap_or(i32::MAX));
        if let Some(FindCursor(sk)) = after {
            query =
                query.set_exclusive_start_key(Some(HashMap::from([(PK.to_string(), s(pk)), (SK.to_string(), s(sk))])));
        }
        let out = within_deadline("Query(search)", query.send())
            .await?
            .map_err(|e| unavailable("Query(search)", e))?;
        let entries = out.items.unwrap_or_default();
        let numbers: Vec<CustomerNumber> = entries.iter().filter_map(items::owner_of).collect();
        let next = out.last_evaluated_key.and_then(|k| match k.get(SK) {
            Some(AttributeValue::S(sk)) => Some(FindCursor(sk.clone())),
            _ => None,
        });
        let mut found = self.profiles(org, &numbers).await?;
        // An entry whose profile moved on (a stale entry) is not a match.
        found.customers.retain(|c| files_under(c, key));
        Ok(FoundPage {
            batch: found,
            entries: entries.len(),
            next,
        })
    }

    /// Reads only what an entry records, a page of up to 1 MB at a time: some 8,000 entries.
    async fn filed(&self, org: OrganisationId, key: &SearchKey, limit: usize) -> Result<FiledEntries, StoreError> {
        let mut filed = FiledEntries::default();
        let mut after: Option<Item> = None;
        loop {
            let (query, _) = self.entries_query(org, key);
            let mut query = query.projection_expression(items::ENTRY_PROJECTION);
            for (placeholder, name) in items::ENTRY_PROJECTION_NAMES {
                query = query.expression_attribute_names(placeholder, name);
            }
            // One past the limit: enough to tell that entries were left unread.
            let room = (limit + 1).saturating_sub(filed.entries.len());
            let query = query
                .limit(i32::try_from(room).unwrap_or(i32::MAX))
                .set_exclusive_start_key(after.take());
            let out = within_deadline("Query(search entries)", query.send())
                .await?
                .map_err(|e| unavailable("Query(search entries)", e))?;
            filed.entries.extend(
                out.items
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|e| items::filed_entry(key, e)),
            );
            if filed.entries.len() > limit {
                filed.entries.truncate(limit);
                filed.more = true;
                return Ok(filed);
            }
            match out.last_evaluated_key {
                Some(next) => after = Some(next),
                None => return Ok(filed),
            }
        }
    }
}

impl DynamoStore {
    /// A query of the entries filed under a search key, and the partition it reads.
    fn entries_query(&self, org: OrganisationId, key: &SearchKey) -> (QueryFluentBuilder, String) {
        let (pk, prefix) = items::search_partition(org, key);
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .consistent_read(true)
            .expression_attribute_names("#pk", PK)
            .expression_attribute_values(":pk", s(pk.clone()));
        let query = if prefix.is_empty() {
            query.key_condition_expression("#pk = :pk")
        } else {
            query
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":prefix", s(prefix))
        };
        (query, pk)
    }
}

#[async_trait]
impl ProfileWrites for DynamoStore {
    async fn insert(&self, profile: NewProfile<'_>) -> Result<(), StoreError> {
        let customer = profile.customer;
        let org = customer.organisation_id;
        crate::size::check(None, customer, Growth::ClientData)?;
        let mut item = items::profile_item(customer)?;
        if let Some(hash) = profile.password {
            item.insert(PASSWORD_HASH.into(), s(hash.as_phc()));
        }
        let put_profile = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", PK)
            .build()
            .map_err(|e| StoreError::Corrupt(format!("Put profile: {e}")))?;
        let mut writes = vec![(Part::Profile, TransactWriteItem::builder().put(put_profile).build())];
        for claim in customer.unique_claims() {
            writes.push((
                Part::Guard(claim_kind(&claim)),
                self.guard_put(org, &claim, customer, None, profile.now)?,
            ));
        }
        for key in customer.search_keys() {
            writes.push((Part::SearchEntry, self.search_put(org, &key, customer)?));
        }
        if let Some((key, record)) = profile.idempotency {
            let mut item: Item = serde_dynamo::to_item(crate::records::IdempotencyItem::of(record))
                .map_err(|e| StoreError::Corrupt(format!("writing an idempotency record: {e}")))?;
            item.extend(items::idempotency_key(org, key));
            item.insert(items::KIND.into(), s("IDEMPOTENCY"));
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(#pk) OR #exp <= :now")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#exp", EXPIRES_AT)
                .expression_attribute_values(":now", n(profile.now.timestamp()))
                .build()
                .map_err(|e| StoreError::Corrupt(format!("Put idempotency: {e}")))?;
            writes.push((Part::Idempotency, TransactWriteItem::builder().put(put).build()));
        }
        match self.transact("TransactWriteItems(insert)", writes).await {
            Ok(()) => Ok(()),
            Err(Failure::Condition {
                part: Part::Profile, ..
            }) => Err(StoreError::Corrupt(format!(
                "customer number {} is already stored",
                customer.customer_number
            ))),
            Err(failure) => Err(failure.into_change_error()),
        }
    }

    async fn write(
        &self,
        changes: &[Change<'_>],
        requirements: &[Requirement],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut writes = Vec::new();
        for Requirement::ActivePreference(org, id) in requirements {
            let check = ConditionCheck::builder()
                .table_name(&self.table)
                .set_key(Some(items::preference_key(*org, *id)))
                .condition_expression("isActive = :yes")
                .expression_attribute_values(":yes", AttributeValue::Bool(true))
                // The preference as it is, to tell an inactive one from one that does not exist.
                .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                .build()
                .map_err(|e| StoreError::Corrupt(format!("ConditionCheck: {e}")))?;
            writes.push((
                Part::Requirement,
                TransactWriteItem::builder().condition_check(check).build(),
            ));
        }
        // Values one change gives up and another takes: each guard is then written once.
        let mut moving: HashMap<UniqueClaim, CustomerNumber> = HashMap::new();
        let mut taken: BTreeSet<UniqueClaim> = BTreeSet::new();
        for change in changes {
            let old: BTreeSet<UniqueClaim> = change.previous.unique_claims().into_iter().collect();
            let new: BTreeSet<UniqueClaim> = change.next.unique_claims().into_iter().collect();
            for claim in old.difference(&new) {
                moving.insert(claim.clone(), change.previous.customer_number);
            }
            taken.extend(new.difference(&old).cloned());
        }
        taken.retain(|claim| moving.contains_key(claim));
        for change in changes {
            crate::size::check(Some(change.previous), change.next, change.growth)?;
            writes.extend(self.change_writes(change, &moving, &taken, now)?);
        }
        if writes.len() > TRANSACTION_MAX_ITEMS {
            return Err(StoreError::TooLarge {
                items: writes.len(),
                max: TRANSACTION_MAX_ITEMS,
            });
        }
        self.transact("TransactWriteItems(write)", writes)
            .await
            .map_err(Failure::into_change_error)
    }

    async fn delete(&self, customer: &Customer) -> Result<(), StoreError> {
        let org = customer.organisation_id;
        let number = customer.customer_number;
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(items::profile_key(org, number)))
            .condition_expression("attribute_exists(#pk) AND #version = :expected")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#version", VERSION)
            .expression_attribute_values(":expected", n(customer.version.value()))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|e| StoreError::Corrupt(format!("Delete profile: {e}")))?;
        let mut writes = vec![(Part::Profile, TransactWriteItem::builder().delete(delete).build())];
        for claim in customer.unique_claims() {
            writes.push((Part::Guard(claim_kind(&claim)), self.guard_delete(org, &claim, number)?));
        }
        for key in customer.search_keys() {
            writes.push((Part::SearchEntry, self.search_delete(org, &key, number)?));
        }
        self.transact("TransactWriteItems(delete)", writes)
            .await
            .map_err(Failure::into_change_error)
    }
}
