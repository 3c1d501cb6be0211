//! Operations on what hangs off a profile, and on the organisation's preference catalogue.
//! Every change of a profile's sub-resources is one conditional write of the profile, so it is
//! atomic, bumps the profile's version (its ETag, and the UPDATE event), and expires with it.

use crate::error::CustomerError;
use crate::profile::{Customer, ProfileType, Status};
use crate::resources::{
    ChosenPreference, CustomerAccount, CustomerAccountPatchRequest, CustomerAccountRequest, CustomerPreferenceRequest,
    Ecard, EcardOwnershipRequest, MAX_ACCOUNTS, MAX_ADDRESSES, MAX_ECARDS, MAX_NOTES, MAX_PREFERENCES, Note,
    NoteRequest, PostalAddress, PostalAddressRequest, Preference, PreferenceRequest, new_id, parse_account_id,
    parse_alias,
};
use crate::service::{Caller, Precondition, ProfileService};
use crate::store::StoreError;
use crate::validation::{ErrorCode, FieldError};
use crate::values::{Actor, CustomerNumber};
use chrono::{DateTime, Utc};

fn usable(c: &Customer) -> Result<(), CustomerError> {
    match c.status {
        Status::Active => Ok(()),
        Status::Deleted => Err(CustomerError::InvalidState(format!(
            "profile {} is deactivated; restore it before changing it",
            c.customer_number
        ))),
        Status::Passive => Err(CustomerError::InvalidState(format!(
            "profile {} was merged into another profile and can no longer be changed",
            c.customer_number
        ))),
    }
}

fn at_most(field: &str, count: usize, max: usize) -> Result<(), CustomerError> {
    if count >= max {
        return Err(CustomerError::InvalidState(format!(
            "a profile has at most {max} {field}"
        )));
    }
    Ok(())
}

fn bumped(current: &Customer) -> Customer {
    let mut next = current.clone();
    next.version = current.version + 1;
    next
}

/// An item of a profile's lists, found by its id.
trait ListedItem {
    fn id(&self) -> i64;
}

impl ListedItem for PostalAddress {
    fn id(&self) -> i64 {
        self.id
    }
}

impl ListedItem for Ecard {
    fn id(&self) -> i64 {
        self.id
    }
}

impl ListedItem for Note {
    fn id(&self) -> i64 {
        self.id
    }
}

fn not_found(what: &str) -> CustomerError {
    CustomerError::InvalidState(format!("__404__{what}"))
}

impl ProfileService {
    /// The live profile, to read what hangs off it.
    pub async fn profile_resources(&self, caller: Caller, number: CustomerNumber) -> Result<Customer, CustomerError> {
        self.live(caller, number).await
    }

    async fn change_resources<F>(
        &self,
        caller: Caller,
        number: CustomerNumber,
        precondition: Option<&Precondition>,
        preferences: &[i64],
        change: F,
    ) -> Result<Customer, CustomerError>
    where
        F: Fn(&Customer, DateTime<Utc>) -> Result<Customer, CustomerError>,
    {
        let result = self
            .change_profile_requiring(caller, number, precondition, preferences, |current, now| {
                usable(current)?;
                change(current, now)
            })
            .await;
        // A missing sub-resource is a 404 of its own; it travels through the closure as a marker.
        match result {
            Err(CustomerError::InvalidState(m)) if m.starts_with("__404__") => Err(CustomerError::NotFound),
            other => other,
        }
    }

    // ------------------------------------------------------------ items kept in lists

    /// Adds an item built by `make` (given its new id) to the list `field` selects.
    async fn add_item<T, F>(
        &self,
        caller: Caller,
        number: CustomerNumber,
        field: fn(&mut Customer) -> &mut Vec<T>,
        (what, max): (&str, usize),
        make: F,
    ) -> Result<(Customer, i64), CustomerError>
    where
        T: ListedItem,
        F: Fn(&Customer, i64, DateTime<Utc>) -> Result<T, CustomerError>,
    {
        let id = new_id();
        let customer = self
            .change_resources(caller, number, None, &[], |current, now| {
                let item = make(current, id, now)?;
                let mut next = bumped(current);
                let list = field(&mut next);
                at_most(what, list.len(), max)?;
                list.push(item);
                Ok(next)
            })
            .await?;
        Ok((customer, id))
    }

    /// Replaces the item `id` by what `make` builds from the existing one.
    async fn replace_item<T, F>(
        &self,
        caller: Caller,
        number: CustomerNumber,
        field: fn(&mut Customer) -> &mut Vec<T>,
        id: i64,
        precondition: Option<Precondition>,
        make: F,
    ) -> Result<Customer, CustomerError>
    where
        T: ListedItem,
        F: Fn(&T, DateTime<Utc>) -> Result<T, CustomerError>,
    {
        self.change_resources(caller, number, precondition.as_ref(), &[], |current, now| {
            let mut next = bumped(current);
            let slot = field(&mut next)
                .iter_mut()
                .find(|x| x.id() == id)
                .ok_or_else(|| not_found("item"))?;
            *slot = make(slot, now)?;
            Ok(next)
        })
        .await
    }

    async fn delete_item<T: ListedItem>(
        &self,
        caller: Caller,
        number: CustomerNumber,
        field: fn(&mut Customer) -> &mut Vec<T>,
        id: i64,
    ) -> Result<Customer, CustomerError> {
        self.change_resources(caller, number, None, &[], |current, _| {
            let mut next = bumped(current);
            let list = field(&mut next);
            let before = list.len();
            list.retain(|x| x.id() != id);
            if list.len() == before {
                return Err(not_found("item"));
            }
            Ok(next)
        })
        .await
    }

    pub async fn add_address(
        &self,
        caller: Caller,
        number: CustomerNumber,
        request: &PostalAddressRequest,
    ) -> Result<(Customer, i64), CustomerError> {
        self.add_item(
            caller,
            number,
            |c| &mut c.postal_addresses,
            ("postal addresses", MAX_ADDRESSES),
            |_, id, now| PostalAddress::parse(request, id, now, now).map_err(CustomerError::Invalid),
        )
        .await
    }

    pub async fn replace_address(
        &self,
        caller: Caller,
        number: CustomerNumber,
        id: i64,
        request: &PostalAddressRequest,
        precondition: Option<Precondition>,
    ) -> Result<Customer, CustomerError> {
        self.replace_item(
            caller,
            number,
            |c| &mut c.postal_addresses,
            id,
            precondition,
            |existing, now| PostalAddress::parse(request, id, existing.created_at, now).map_err(CustomerError::Invalid),
        )
        .await
    }

    pub async fn delete_address(
        &self,
        caller: Caller,
        number: CustomerNumber,
        id: i64,
    ) -> Result<Customer, CustomerError> {
        self.delete_item(caller, number, |c| &mut c.postal_addresses, id).await
    }

    pub async fn add_ecard(
        &self,
        caller: Caller,
        number: CustomerNumber,
        request: &EcardOwnershipRequest,
    ) -> Result<(Customer, i64), CustomerError> {
        self.add_item(
            caller,
            number,
            |c| &mut c.ecards,
            ("ecards", MAX_ECARDS),
            |current, id, now| {
                if current.profile_type == ProfileType::Temporary {
                    return Err(CustomerError::InvalidState(format!(
                        "profile {number} is temporary: a temporary profile cannot have ecards"
                    )));
                }
                Ecard::parse(request, id, now, now).map_err(CustomerError::Invalid)
            },
        )
        .await
    }

    pub async fn replace_ecard(
        &self,
        caller: Caller,
        number: CustomerNumber,
        id: i64,
        request: &EcardOwnershipRequest,
        precondition: Option<Precondition>,
    ) -> Result<Customer, CustomerError> {
        self.replace_item(
            caller,
            number,
            |c| &mut c.ecards,
            id,
            precondition,
            |existing, now| Ecard::parse(request, id, existing.created_at, now).map_err(CustomerError::Invalid),
        )
        .await
    }

    pub async fn delete_ecard(
        &self,
        caller: Caller,
        number: CustomerNumber,
        id: i64,
    ) -> Result<Customer, CustomerError> {
        self.delete_item(caller, number, |c| &mut c.ecards, id).await
    }

    pub async fn add_note(
        &self,
        caller: Caller,
        number: CustomerNumber,
        request: &NoteRequest,
    ) -> Result<(Customer, i64), CustomerError> {
        self.add_item(
            caller,
            number,
            |c| &mut c.notes,
            ("notes", MAX_NOTES),
            |_, id, now| Note::parse(request, id, now).map_err(CustomerError::Invalid),
        )
        .await
    }

    pub async fn delete_note(
        &self,
        caller: Caller,
        number: CustomerNumber,
        id: i64,
    ) -> Result<Customer, CustomerError> {
        self.delete_item(caller, number, |c| &mut c.notes, id).await
    }

    // ------------------------------------------------------------ customer accounts

    pub async fn add_account(
        &self,
        caller: Caller,
        number: CustomerNumber,
        request: &CustomerAccountRequest,
        client_name: &str,
    ) -> Result<(Customer, String), CustomerError> {
        let account_id = match request.account_id.as_deref() {
            None => Err(FieldError::new(
                "accountId",
                ErrorCode::Required,
                "accountId is required",
            )),
            Some(a) => parse_account_id("accountId", a),
        }
        .map_err(CustomerError::invalid)?;
        let alias = parse_alias(request.alias.as_deref()).map_err(CustomerError::invalid)?;
        let by = Actor::parse("createdBy", client_name).map_err(CustomerError::invalid)?;
        let customer = self
            .change_resources(caller, number, None, &[], |current, now| {
                at_most("customer accounts", current.customer_accounts.len(), MAX_ACCOUNTS)?;
                if current.customer_accounts.iter().any(|a| a.account_id == account_id) {
                    return Err(CustomerError::AccountIdTaken);
                }
                let mut next = bumped(current);
                next.customer_accounts.push(CustomerAccount {
                    id: new_id(),
                    account_id: account_id.clone(),
                    alias: alias.clone(),
                    created_by: by.clone(),
                    created_at: now,
                    changed_by: by.clone(),
                    changed_at: now,
                });
                // The first account is the default; a new default replaces the old in this write.
                if request.is_default == Some(true) || next.default_account.is_none() {
                    next.default_account = Some(account_id.clone());
                }
                Ok(next)
            })
            .await?;
        Ok((customer, account_id))
    }

    /// A JSON Merge Patch (RFC 7396) of an account's `alias` and `isDefault`.
    pub async fn patch_account(
        &self,
        caller: Caller,
        number: CustomerNumber,
        account_id: &str,
        patch: &serde_json::Value,
        client_name: &str,
        precondition: Option<Precondition>,
    ) -> Result<Customer, CustomerError> {
        let by = Actor::parse("changedBy", client_name).map_err(CustomerError::invalid)?;
        if !patch.is_object() {
            return Err(CustomerError::invalid(FieldError::new(
                "",
                ErrorCode::MalformedBody,
                "a merge patch must be a JSON object",
            )));
        }
        self.change_resources(caller, number, precondition.as_ref(), &[], |current, now| {
            let account = current
                .customer_accounts
                .iter()
                .find(|a| a.account_id == account_id)
                .ok_or_else(|| not_found("account"))?;
            let was_default = current.default_account.as_deref() == Some(account_id);
            let mut target = serde_json::json!({ "alias": account.alias, "isDefault": was_default });
            if let Some(map) = target.as_object_mut() {
                map.retain(|_, v| !v.is_null());
            }
            json_patch::merge(&mut target, patch);
            let patched: CustomerAccountPatchRequest = serde_json::from_value(target).map_err(|e| {
                CustomerError::invalid(FieldError::new(
                    "",
                    ErrorCode::NotAllowed,
                    format!("only alias and isDefault can be patched: {e}"),
                ))
            })?;
            let alias = parse_alias(patched.alias.as_deref()).map_err(CustomerError::invalid)?;
            let make_default = patched.is_default.unwrap_or(false);
            if was_default && !make_default {
                return Err(CustomerError::InvalidState(
                    "a customer with accounts has exactly one default account: make another account the default instead".into(),
                ));
            }
            let mut next = bumped(current);
            if make_default {
                next.default_account = Some(account_id.to_string());
            }
            next.customer_accounts.iter_mut().filter(|a| a.account_id == account_id).for_each(|a| {
                a.alias = alias.clone();
                a.changed_by = by.clone();
                a.changed_at = now;
            });
            Ok(next)
        })
        .await
    }

    /// Deleting the default account makes the oldest remaining account the default, in the
    /// same write (the answer's accounts show which); deleting the last one leaves none.
    pub async fn delete_account(
        &self,
        caller: Caller,
        number: CustomerNumber,
        account_id: &str,
    ) -> Result<Customer, CustomerError> {
        self.change_resources(caller, number, None, &[], |current, _| {
            if !current.customer_accounts.iter().any(|a| a.account_id == account_id) {
                return Err(not_found("account"));
            }
            let mut next = bumped(current);
            next.customer_accounts.retain(|a| a.account_id != account_id);
            if next.default_account.as_deref() == Some(account_id) {
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

    pub async fn profile_by_account(&self, caller: Caller, account_id: &str) -> Result<Customer, CustomerError> {
        let account_id = parse_account_id("accountId", account_id).map_err(CustomerError::invalid)?;
        let now = self.clock.now();
        match self.store.get_by_account(caller.organisation, &account_id).await? {
            Some(c) if !c.is_expired(now) => Ok(c),
            _ => Err(CustomerError::NotFound),
        }
    }

    // ------------------------------------------------------------ a customer's preferences

    pub async fn add_customer_preference(
        &self,
        caller: Caller,
        number: CustomerNumber,
        request: &CustomerPreferenceRequest,
    ) -> Result<(Customer, i64), CustomerError> {
        let chosen = ChosenPreference::parse(request, None, self.clock.now()).map_err(CustomerError::Invalid)?;
        let id = chosen.preference_id;
        let customer = self
            .change_resources(caller, number, None, &[id], |current, now| {
                let mut next = bumped(current);
                let created = current
                    .preferences
                    .iter()
                    .find(|p| p.preference_id == id)
                    .map(|p| p.created_at);
                let choice = ChosenPreference {
                    created_at: created.unwrap_or(now),
                    changed_at: now,
                    ..chosen.clone()
                };
                next.preferences.retain(|p| p.preference_id != id);
                next.preferences.push(choice);
                at_most("preferences", next.preferences.len() - 1, MAX_PREFERENCES)?;
                Ok(next)
            })
            .await?;
        Ok((customer, id))
    }

    /// Replaces the customer's set of preferences.
    pub async fn replace_customer_preferences(
        &self,
        caller: Caller,
        number: CustomerNumber,
        requests: &[CustomerPreferenceRequest],
        precondition: Option<Precondition>,
    ) -> Result<Customer, CustomerError> {
        if requests.len() > MAX_PREFERENCES {
            return Err(CustomerError::invalid(FieldError::new(
                "",
                ErrorCode::Length,
                format!("at most {MAX_PREFERENCES} preferences"),
            )));
        }
        let now = self.clock.now();
        let mut chosen = Vec::new();
        let mut problems = Vec::new();
        for (i, r) in requests.iter().enumerate() {
            match ChosenPreference::parse(r, None, now) {
                Ok(c)
                    if chosen
                        .iter()
                        .any(|x: &ChosenPreference| x.preference_id == c.preference_id) =>
                {
                    problems.push(
                        FieldError::new(
                            format!("[{i}].preferenceId"),
                            ErrorCode::NotAllowed,
                            "a preference is chosen once",
                        )
                        .rejecting(c.preference_id),
                    )
                }
                Ok(c) => chosen.push(c),
                Err(errors) => problems.extend(errors.into_iter().map(|mut e| {
                    e.field = format!("[{i}].{}", e.field);
                    e
                })),
            }
        }
        if !problems.is_empty() {
            return Err(CustomerError::Invalid(problems));
        }
        let ids: Vec<i64> = chosen.iter().map(|c| c.preference_id).collect();
        self.change_resources(caller, number, precondition.as_ref(), &ids, |current, now| {
            let mut next = bumped(current);
            next.preferences = chosen
                .iter()
                .map(|c| {
                    let created = current
                        .preferences
                        .iter()
                        .find(|p| p.preference_id == c.preference_id)
                        .map(|p| p.created_at);
                    ChosenPreference {
                        created_at: created.unwrap_or(now),
                        changed_at: now,
                        ..c.clone()
                    }
                })
                .collect();
            Ok(next)
        })
        .await
    }

    pub async fn remove_customer_preference(
        &self,
        caller: Caller,
        number: CustomerNumber,
        id: i64,
    ) -> Result<Customer, CustomerError> {
        self.change_resources(caller, number, None, &[], |current, _| {
            if !current.preferences.iter().any(|p| p.preference_id == id) {
                return Err(not_found("preference"));
            }
            let mut next = bumped(current);
            next.preferences.retain(|p| p.preference_id != id);
            Ok(next)
        })
        .await
    }

    // ------------------------------------------------------------ the catalogue

    pub async fn list_preferences(&self, caller: Caller) -> Result<Vec<Preference>, CustomerError> {
        let mut list = self.store.list_preferences(caller.organisation).await?;
        list.sort_by_key(|p| (p.created_at, p.id));
        Ok(list)
    }

    pub async fn get_preference(&self, caller: Caller, id: i64) -> Result<Preference, CustomerError> {
        self.store
            .get_preference(caller.organisation, id)
            .await?
            .ok_or(CustomerError::NotFound)
    }

    pub async fn add_preference(
        &self,
        caller: Caller,
        request: &PreferenceRequest,
    ) -> Result<Preference, CustomerError> {
        let now = self.clock.now();
        let preference = Preference::parse(request, new_id(), caller.organisation.value(), now, now, 1)
            .map_err(CustomerError::Invalid)?;
        self.ensure_code_free(caller, &preference).await?;
        self.store.put_preference(&preference, None).await?;
        Ok(preference)
    }

    /// A preference code names one preference of the organisation.
    async fn ensure_code_free(&self, caller: Caller, preference: &Preference) -> Result<(), CustomerError> {
        let taken = self
            .store
            .list_preferences(caller.organisation)
            .await?
            .into_iter()
            .any(|p| p.id != preference.id && p.preference_code.eq_ignore_ascii_case(&preference.preference_code));
        if taken {
            return Err(CustomerError::InvalidState(format!(
                "the organisation already has a preference with code {}",
                preference.preference_code
            )));
        }
        Ok(())
    }

    pub async fn update_preference(
        &self,
        caller: Caller,
        id: i64,
        request: &PreferenceRequest,
    ) -> Result<Preference, CustomerError> {
        for _ in 0..5 {
            let current = self.get_preference(caller, id).await?;
            let next = Preference::parse(
                request,
                id,
                caller.organisation.value(),
                current.created_at,
                self.clock.now(),
                current.version + 1,
            )
            .map_err(CustomerError::Invalid)?;
            self.ensure_code_free(caller, &next).await?;
            match self.store.put_preference(&next, Some(current.version)).await {
                Ok(()) => return Ok(next),
                Err(StoreError::VersionConflict) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(CustomerError::InvalidState(format!(
            "preference {id} is being changed by other requests right now; retry"
        )))
    }

    /// Customers who chose a deleted preference keep the choice (by id); deactivating a
    /// preference (isActive false) is the gentler way to retire one.
    pub async fn delete_preference(&self, caller: Caller, id: i64) -> Result<(), CustomerError> {
        if self.store.delete_preference(caller.organisation, id).await? {
            Ok(())
        } else {
            Err(CustomerError::NotFound)
        }
    }
}

/// A path id (addressId, ecardId, noteId, preferenceId) as a positive number, or 400.
pub fn parse_id(field: &str, raw: &str) -> Result<i64, CustomerError> {
    match raw.trim().parse::<i64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(CustomerError::invalid(
            FieldError::new(
                field,
                ErrorCode::Format,
                format!("{field} must be a positive whole number"),
            )
            .rejecting(raw),
        )),
    }
}
