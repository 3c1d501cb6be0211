//! The rules of permanent profiles on the in-memory store.

use super::*;
use crate::conditional::ExpectedVersion;
use crate::customer::{CustomerUpdate, PersonalDetails};
use crate::error::{Missing, UniqueValue};
use crate::testing::{World, actor, channel, name_of, new_customer, organisation};
use crate::values::{EmailAddress, Version};

fn keyed(key: &str, fingerprint: &str) -> Keyed {
    Keyed {
        key: IdempotencyKey::parse("k", key).unwrap_or_else(|e| panic!("{e:?}")),
        fingerprint: RequestFingerprint(fingerprint.into()),
    }
}

fn update(first_name: &str) -> CustomerUpdate {
    let new = new_customer(organisation(1), None);
    CustomerUpdate {
        details: PersonalDetails {
            first_name: name_of(first_name),
            ..new.details
        },
        email_verified_at: None,
        changed_by: actor("crm"),
        changed_by_channel: channel("crm"),
        postal_addresses: None,
    }
}

async fn created(w: &World, email: Option<&str>) -> Customer {
    let org = organisation(1);
    match w.profiles.create(org, new_customer(org, email), None).await {
        Ok(c) => c.customer().clone(),
        Err(e) => panic!("{e:?}"),
    }
}

#[tokio::test]
async fn an_email_is_unique_in_the_organisation_until_its_holder_expires() {
    let w = World::new();
    let org = organisation(1);
    let first = created(&w, Some("ola@nordmann.org")).await;
    let again = w
        .profiles
        .create(org, new_customer(org, Some("OLA@nordmann.org")), None)
        .await;
    assert!(
        matches!(again, Err(DomainError::Taken(UniqueValue::Email))),
        "{again:?}"
    );
    // Another organisation may use it.
    let other = organisation(2);
    assert!(
        w.profiles
            .create(other, new_customer(other, Some("ola@nordmann.org")), None)
            .await
            .is_ok()
    );
    // Expired is gone at once: the profile answers 404 and its email is free.
    w.store
        .with_state(|s| {
            if let Some(c) = s.profiles.get_mut(&(org, first.customer_number)) {
                c.expiration_date = Some(w.clock.now() + chrono::Duration::hours(1));
            }
            for (_, (_, expires)) in s.claims.iter_mut() {
                *expires = Some((w.clock.now() + chrono::Duration::hours(1)).timestamp());
            }
        })
        .unwrap_or_else(|e| panic!("{e:?}"));
    w.clock.advance(chrono::Duration::hours(2));
    assert!(matches!(
        w.profiles.get(org, first.customer_number).await,
        Err(DomainError::NotFound(Missing::Profile))
    ));
    assert!(
        w.profiles
            .create(org, new_customer(org, Some("ola@nordmann.org")), None)
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_replayed_create_answers_the_first_profile_and_a_changed_request_is_refused() {
    let w = World::new();
    let org = organisation(1);
    let first = w
        .profiles
        .create(org, new_customer(org, None), Some(keyed("k-1", "a")))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(matches!(first, Created::New(_)));
    let again = w
        .profiles
        .create(org, new_customer(org, None), Some(keyed("k-1", "a")))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(matches!(again, Created::Replayed(_)));
    assert_eq!(again.customer(), first.customer(), "exactly the first profile");
    assert_eq!(
        w.store.with_state(|s| s.profiles.len()).ok(),
        Some(1),
        "nothing new created"
    );
    let changed = w
        .profiles
        .create(org, new_customer(org, None), Some(keyed("k-1", "b")))
        .await;
    assert!(matches!(changed, Err(DomainError::IdempotencyKeyReused)));
}

#[tokio::test]
async fn an_update_racing_another_is_applied_to_the_latest_version_unless_a_version_was_expected() {
    let w = World::new();
    let org = organisation(1);
    let c = created(&w, None).await;
    let number = c.customer_number;
    // Another request changes the profile between this one's read and its write.
    let racing = c.bumped();
    w.store.before_next_write(move |s| {
        s.profiles.insert((org, number), racing);
    });
    let updated = w
        .profiles
        .update(org, number, update("Kari"), None)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(updated.version, Version::FIRST.next().next(), "re-read, then written");
    assert_eq!(updated.first_name.as_str(), "Kari");
    // With an expected version, the race is the client's to resolve.
    let expected = ExpectedVersion::OneOf(vec![updated.version]);
    let racing = updated.bumped();
    w.store.before_next_write(move |s| {
        s.profiles.insert((org, number), racing);
    });
    let stale = w.profiles.update(org, number, update("Per"), Some(&expected)).await;
    assert!(matches!(stale, Err(DomainError::StaleVersion { .. })), "{stale:?}");
    let stored = w.profiles.get(org, number).await.unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(stored.first_name.as_str(), "Kari", "nothing of the refused update");
}

#[tokio::test]
async fn a_merged_number_answers_with_its_survivor() {
    let w = World::new();
    let org = organisation(1);
    let survivor = created(&w, None).await;
    let merged = created(&w, None).await;
    let connection = crate::lifecycle::Connection {
        merged: merged.customer_number,
        changed_by: actor("crm"),
        changed_by_channel: channel("crm"),
    };
    w.lifecycle
        .connect(org, survivor.customer_number, connection)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let got = w
        .profiles
        .get(org, merged.customer_number)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(got.customer_number, survivor.customer_number);
    assert_eq!(got.related_customer_numbers, vec![merged.customer_number]);
}

#[tokio::test]
async fn searches_start_from_a_key_and_every_criterion_must_match() {
    let w = World::new();
    let org = organisation(1);
    let ola = created(&w, Some("ola@nordmann.org")).await;
    created(&w, Some("kari@nordmann.org")).await;
    let email = EmailAddress::parse("email", "OLA@nordmann.org").ok();
    let by_email = SearchCriteria {
        email: email.clone(),
        max_result_set: 10,
        ..Default::default()
    };
    let found = w.profiles.find(org, by_email).await.unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(
        found.iter().map(|c| c.customer_number).collect::<Vec<_>>(),
        vec![ola.customer_number]
    );
    let narrowed = SearchCriteria {
        email,
        first_name: Some(name_of("Kari")),
        max_result_set: 10,
        ..Default::default()
    };
    assert!(
        w.profiles
            .find(org, narrowed)
            .await
            .map(|f| f.is_empty())
            .unwrap_or(false)
    );
    let by_first_name = SearchCriteria {
        first_name: Some(name_of("Ola")),
        max_result_set: 10,
        ..Default::default()
    };
    let found = w
        .profiles
        .find(org, by_first_name)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(found.len(), 2, "a first name alone starts a search");
    let nothing_to_start = SearchCriteria {
        postal_address: Some("storgata".into()),
        max_result_set: 10,
        ..Default::default()
    };
    assert!(matches!(
        w.profiles.find(org, nothing_to_start).await,
        Err(DomainError::Invalid(_))
    ));
}
