//! The rules of the lifecycle on the in-memory store.

use super::*;
use crate::customer::ProfileType;
use crate::error::Missing;
use crate::profiles::{IdempotencyKey, RequestFingerprint};
use crate::testing::{World, actor, channel, name_of, new_customer, organisation};
use crate::values::{EmailAddress, PersonName};
use chrono::Duration;

fn temporary(w: &World, email: Option<&str>) -> NewTemporaryCustomer {
    NewTemporaryCustomer {
        organisation_id: organisation(1),
        details: TemporaryDetails {
            first_name: PersonName::empty(),
            surname: PersonName::empty(),
            email: email.and_then(|e| EmailAddress::parse("email", e).ok()),
            mobile: None,
            landline_number: None,
            date_of_birth: None,
            customer_account_id: None,
            expiration_date: w.clock.now() + Duration::days(1),
        },
        created_by: actor("web"),
        created_by_channel: channel("web"),
    }
}

fn conversion() -> Conversion {
    Conversion {
        first_name: name_of("Per"),
        surname: name_of("Hansen"),
        email: None,
        password: None,
        customer_ref: None,
        organisation_id: None,
        changed_by: actor("web"),
        changed_by_channel: channel("web"),
    }
}

#[tokio::test]
async fn a_replayed_temporary_create_answers_the_temporary_profile_it_made() {
    let w = World::new();
    let org = organisation(1);
    let keyed = || {
        Some(Keyed {
            key: IdempotencyKey::parse("k", "t-1").unwrap_or_else(|e| panic!("{e:?}")),
            fingerprint: RequestFingerprint("f".into()),
        })
    };
    let first = w
        .temporary
        .create(org, temporary(&w, None), keyed())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let again = w
        .temporary
        .create(org, temporary(&w, None), keyed())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(matches!(again, Created::Replayed(_)));
    assert_eq!(again.customer(), first.customer());
    assert_eq!(again.customer().profile_type, ProfileType::Temporary);
}

#[tokio::test]
async fn a_temporary_profile_is_gone_at_its_expiration() {
    let w = World::new();
    let org = organisation(1);
    let t = w
        .temporary
        .create(org, temporary(&w, None), None)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let number = t.customer().customer_number;
    assert!(w.temporary.get(org, number).await.is_ok());
    w.clock.advance(Duration::days(1));
    assert!(matches!(
        w.temporary.get(org, number).await,
        Err(DomainError::NotFound(Missing::Profile))
    ));
    assert!(matches!(
        w.temporary.convert(org, number, conversion()).await,
        Err(DomainError::NotFound(_))
    ));
}

#[tokio::test]
async fn an_update_racing_a_convert_finds_no_temporary_profile_and_changes_nothing() {
    let w = World::new();
    let org = organisation(1);
    let t = w
        .temporary
        .create(org, temporary(&w, None), None)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let number = t.customer().customer_number;
    // The convert lands between the update's read and its write.
    let converted = conversion().apply_to(t.customer(), w.clock.now());
    let stored = converted.clone();
    w.store.before_next_write(move |s| {
        s.profiles.insert((org, number), stored);
    });
    let update = TemporaryUpdate {
        details: temporary(&w, Some("late@example.org")).details,
        changed_by: actor("web"),
        changed_by_channel: channel("web"),
    };
    let result = w.temporary.update(org, number, update, None).await;
    assert!(
        matches!(result, Err(DomainError::NotFound(Missing::Profile))),
        "{result:?}"
    );
    let now = w
        .store
        .with_state(|s| s.profiles.get(&(org, number)).cloned())
        .ok()
        .flatten();
    assert_eq!(now, Some(converted), "the converted profile, untouched");
}

#[tokio::test]
async fn a_deactivated_profiles_email_taken_meanwhile_blocks_its_restore() {
    let w = World::new();
    let org = organisation(1);
    let old = w
        .profiles
        .create(org, new_customer(org, Some("shared@example.org")), None)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let number = old.customer().customer_number;
    let deactivation = Deactivation {
        expiration_date: w.clock.now() + Duration::days(3),
        changed_by: actor("crm"),
        changed_by_channel: channel("crm"),
    };
    let d = w
        .lifecycle
        .deactivate(org, number, deactivation)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!((d.status, d.email.is_none()), (Status::Deleted, true));
    w.profiles
        .create(org, new_customer(org, Some("shared@example.org")), None)
        .await
        .unwrap_or_else(|e| panic!("the email is free after deactivation: {e:?}"));
    let restoration = Restoration {
        changed_by: actor("crm"),
        changed_by_channel: channel("crm"),
    };
    let refused = w.lifecycle.restore(org, number, restoration).await;
    assert!(
        matches!(refused, Err(DomainError::EmailTakenSinceDeactivation)),
        "{refused:?}"
    );
    let unchanged = w.profiles.get(org, number).await.unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(unchanged, d);
}

#[tokio::test]
async fn connect_refuses_itself_missing_and_merged_profiles() {
    let w = World::new();
    let org = organisation(1);
    let a = w
        .profiles
        .create(org, new_customer(org, None), None)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let b = w
        .profiles
        .create(org, new_customer(org, None), None)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let (a, b) = (a.customer().customer_number, b.customer().customer_number);
    let connect = |merged| Connection {
        merged,
        changed_by: actor("crm"),
        changed_by_channel: channel("crm"),
    };
    assert!(matches!(
        w.lifecycle.connect(org, a, connect(a)).await,
        Err(DomainError::Refused(Refusal::ConnectedToItself { .. }))
    ));
    let missing = crate::values::CustomerNumber::parse("n", 999_999).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(matches!(
        w.lifecycle.connect(org, a, connect(missing)).await,
        Err(DomainError::NotFound(Missing::ProfileToConnect))
    ));
    assert!(w.lifecycle.connect(org, a, connect(b)).await.is_ok());
    let again = w.lifecycle.connect(org, a, connect(b)).await;
    assert!(
        matches!(
            again,
            Err(DomainError::Refused(Refusal::Status {
                status: Status::Passive,
                action: Action::Connect,
                ..
            }))
        ),
        "{again:?}"
    );
}

#[tokio::test]
async fn every_merge_chain_stays_one_step_long_and_what_hung_off_follows_the_survivor() {
    let w = World::new();
    let org = organisation(1);
    let mut numbers = Vec::new();
    for _ in 0..12 {
        let created = w.profiles.create(org, new_customer(org, None), None).await;
        numbers.push(created.unwrap_or_else(|e| panic!("{e:?}")).customer().customer_number);
    }
    let account = crate::accounts::NewAccount {
        account_id: crate::values::AccountId::parse("accountId", "acc-first").unwrap_or_else(|e| panic!("{e:?}")),
        alias: None,
        make_default: true,
    };
    let first = numbers[0];
    w.accounts
        .add(org, first, account, actor("t"))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let connect = |merged| Connection {
        merged,
        changed_by: actor("crm"),
        changed_by_channel: channel("crm"),
    };
    // Each profile connected into the next: the old rule made a chain of eleven steps.
    for pair in numbers.windows(2) {
        w.lifecycle
            .connect(org, pair[1], connect(pair[0]))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
    }
    let last = numbers[11];
    for n in &numbers[..11] {
        let stored = w
            .store
            .with_state(|s| s.profiles.get(&(org, *n)).cloned())
            .ok()
            .flatten();
        assert_eq!(
            stored.and_then(|c| c.merged_into),
            Some(last),
            "{n} points to the survivor"
        );
        let answered = w.profiles.get(org, *n).await.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(answered.customer_number, last);
    }
    let survivor = w.profiles.get(org, last).await.unwrap_or_else(|e| panic!("{e:?}"));
    let mut related = survivor.related_customer_numbers.clone();
    related.sort();
    assert_eq!(related, numbers[..11].to_vec());
    let owner = w
        .accounts
        .owner(
            org,
            &crate::values::AccountId::parse("a", "acc-first").unwrap_or_else(|e| panic!("{e:?}")),
        )
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(owner.customer_number, last, "the account moved with each merge");
    assert_eq!(owner.default_account.map(|a| a.to_string()), Some("acc-first".into()));

    // Connecting into a merged profile connects into its survivor.
    let extra = w
        .profiles
        .create(org, new_customer(org, None), None)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .customer()
        .customer_number;
    let connected = w
        .lifecycle
        .connect(org, numbers[3], connect(extra))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(connected.survivor.customer_number, last);
    let stored = w
        .store
        .with_state(|s| s.profiles.get(&(org, extra)).cloned())
        .ok()
        .flatten();
    assert_eq!(stored.and_then(|c| c.merged_into), Some(last));
    // A survivor cannot be connected into a profile merged into it.
    let back = w.lifecycle.connect(org, first, connect(last)).await;
    assert!(
        matches!(
            back,
            Err(DomainError::Refused(Refusal::ConnectedToItself { named, survivor }))
                if named == first && survivor == last
        ),
        "{back:?}"
    );
}

#[tokio::test]
async fn what_an_earlier_merge_left_on_a_merged_profile_can_be_removed_but_not_added_to() {
    let w = World::new();
    let org = organisation(1);
    let n = w
        .profiles
        .create(org, new_customer(org, None), None)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .customer()
        .customer_number;
    let account = |id: &str| crate::accounts::NewAccount {
        account_id: crate::values::AccountId::parse("accountId", id).unwrap_or_else(|e| panic!("{e:?}")),
        alias: None,
        make_default: false,
    };
    w.accounts
        .add(org, n, account("left-behind"), actor("t"))
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    // A profile merged by an earlier version: passive, its account still on it.
    let _ = w.store.with_state(|s| {
        if let Some(c) = s.profiles.get_mut(&(org, n)) {
            c.status = Status::Passive;
        }
    });
    let added = w.accounts.add(org, n, account("new"), actor("t")).await;
    assert!(
        matches!(added, Err(DomainError::Refused(Refusal::Status { .. }))),
        "{added:?}"
    );
    let left = crate::values::AccountId::parse("accountId", "left-behind").unwrap_or_else(|e| panic!("{e:?}"));
    let removed = w
        .accounts
        .remove(org, n, &left)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(removed.customer_accounts.is_empty());
    let other = w
        .profiles
        .create(org, new_customer(org, None), None)
        .await
        .unwrap_or_else(|e| panic!("{e:?}"))
        .customer()
        .customer_number;
    assert!(
        w.accounts
            .add(org, other, account("left-behind"), actor("t"))
            .await
            .is_ok(),
        "the freed account id can be used again"
    );
}
