//! The preference catalogue on DynamoDB: one item collection per organisation, and a guard item
//! per code (lower-cased), written in the same transaction as its preference.

use crate::error::{unavailable, within_deadline};
use crate::items::{self, Item, KIND, PK, PREFERENCE_OWNER, VERSION, n, s};
use crate::records::PreferenceRecord;
use crate::store::DynamoStore;
use crate::transact::{Failure, Part};
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{Delete, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem};
use customers_domain::error::UniqueValue;
use customers_domain::ports::{PreferenceCatalogue, StoreError};
use customers_domain::preferences::Preference;
use customers_domain::values::{ItemId, OrganisationId};

fn read(item: Item) -> Result<Preference, StoreError> {
    crate::records::from_item::<PreferenceRecord>(item)
        .map_err(|e| e.to_string())
        .and_then(PreferenceRecord::into_preference)
        .map_err(|e| StoreError::Corrupt(format!("reading a preference: {e}")))
}

impl DynamoStore {
    fn preference_item(&self, p: &Preference) -> Result<Item, StoreError> {
        let mut item: Item = serde_dynamo::to_item(PreferenceRecord::of(p))
            .map_err(|e| StoreError::Corrupt(format!("writing a preference: {e}")))?;
        item.extend(items::preference_key(p.organisation_id, p.id));
        item.insert(KIND.into(), s("PREFERENCE"));
        Ok(item)
    }

    /// Writes the preference: new (`previous` none) or replacing `previous` at its version.
    fn preference_put(&self, p: &Preference, previous: Option<&Preference>) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(self.preference_item(p)?))
            .expression_attribute_names("#pk", PK)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld);
        let put = match previous {
            None => put.condition_expression("attribute_not_exists(#pk)"),
            Some(prev) => put
                .condition_expression("attribute_exists(#pk) AND #version = :v")
                .expression_attribute_names("#version", VERSION)
                .expression_attribute_values(":v", n(prev.version.value())),
        };
        let put = put
            .build()
            .map_err(|e| StoreError::Corrupt(format!("Put preference: {e}")))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Claims the preference's code for it.
    fn code_claim(&self, p: &Preference) -> Result<TransactWriteItem, StoreError> {
        let mut item = items::preference_code_key(p.organisation_id, &p.code_key());
        item.insert(KIND.into(), s("UNIQUE"));
        item.insert(PREFERENCE_OWNER.into(), n(p.id.value()));
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk) OR #owner = :me")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#owner", PREFERENCE_OWNER)
            .expression_attribute_values(":me", n(p.id.value()))
            .build()
            .map_err(|e| StoreError::Corrupt(format!("Put code: {e}")))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Frees the preference's code, if it holds it.
    fn code_release(&self, p: &Preference) -> Result<TransactWriteItem, StoreError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(items::preference_code_key(p.organisation_id, &p.code_key())))
            .condition_expression("attribute_not_exists(#pk) OR #owner = :me")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#owner", PREFERENCE_OWNER)
            .expression_attribute_values(":me", n(p.id.value()))
            .build()
            .map_err(|e| StoreError::Corrupt(format!("Delete code: {e}")))?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }
}

const CODE: Part = Part::Guard(UniqueValue::PreferenceCode);

#[async_trait]
impl PreferenceCatalogue for DynamoStore {
    async fn preferences(&self, org: OrganisationId) -> Result<Vec<Preference>, StoreError> {
        let mut found = Vec::new();
        let mut start = None;
        loop {
            let out = within_deadline(
                "Query(preferences)",
                self.client
                    .query()
                    .table_name(&self.table)
                    .consistent_read(true)
                    .key_condition_expression("#pk = :pk")
                    .expression_attribute_names("#pk", PK)
                    .expression_attribute_values(":pk", s(items::preferences_pk(org)))
                    .set_exclusive_start_key(start)
                    .send(),
            )
            .await?
            .map_err(|e| unavailable("Query(preferences)", e))?;
            for item in out.items.unwrap_or_default() {
                found.push(read(item)?);
            }
            match out.last_evaluated_key {
                Some(k) => start = Some(k),
                None => return Ok(found),
            }
        }
    }

    async fn preference(&self, org: OrganisationId, id: ItemId) -> Result<Option<Preference>, StoreError> {
        self.get_item(items::preference_key(org, id), None)
            .await?
            .map(read)
            .transpose()
    }

    async fn add_preference(&self, p: &Preference) -> Result<(), StoreError> {
        let writes = vec![
            (Part::Preference, self.preference_put(p, None)?),
            (CODE, self.code_claim(p)?),
        ];
        match self.transact("TransactWriteItems(add preference)", writes).await {
            Ok(()) => Ok(()),
            Err(Failure::Condition {
                part: Part::Preference, ..
            }) => Err(StoreError::Corrupt(format!("preference id {} is already used", p.id))),
            Err(f) => Err(f.into_change_error()),
        }
    }

    async fn replace_preference(&self, previous: &Preference, next: &Preference) -> Result<(), StoreError> {
        let mut writes = vec![(Part::Preference, self.preference_put(next, Some(previous))?)];
        if previous.code_key() != next.code_key() {
            writes.push((CODE, self.code_release(previous)?));
            writes.push((CODE, self.code_claim(next)?));
        }
        self.transact("TransactWriteItems(replace preference)", writes)
            .await
            .map_err(Failure::into_change_error)
    }

    async fn remove_preference(&self, p: &Preference) -> Result<(), StoreError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(items::preference_key(p.organisation_id, p.id)))
            .condition_expression("attribute_exists(#pk) AND #version = :v")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#version", VERSION)
            .expression_attribute_values(":v", n(p.version.value()))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|e| StoreError::Corrupt(format!("Delete preference: {e}")))?;
        let writes = vec![
            (Part::Preference, TransactWriteItem::builder().delete(delete).build()),
            (CODE, self.code_release(p)?),
        ];
        self.transact("TransactWriteItems(remove preference)", writes)
            .await
            .map_err(Failure::into_change_error)
    }
}
