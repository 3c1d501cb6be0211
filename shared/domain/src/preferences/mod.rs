//! Preferences: each organisation's catalogue, and the ones each customer has chosen from it.

pub mod catalogue;
pub mod choices;

pub use catalogue::{Catalogue, Preference, PreferenceDetails};
pub use choices::{ChosenPreference, CustomerPreferences, MAX_CHOSEN, PreferenceChoice};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DomainError;
    use crate::error::{Missing, Refusal};
    use crate::testing::{World, new_customer, organisation};
    use crate::values::ItemId;

    fn details(code: &str, is_active: bool) -> PreferenceDetails {
        PreferenceDetails {
            is_active,
            code: code.into(),
            kind: None,
            description: None,
        }
    }

    #[tokio::test]
    async fn codes_are_unique_ignoring_case_and_only_active_preferences_can_be_chosen() {
        let w = World::new();
        let org = organisation(1);
        let news = w
            .catalogue
            .add(org, details("NEWS", true))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let taken = w.catalogue.add(org, details("news", true)).await;
        assert!(
            matches!(taken, Err(DomainError::Refused(Refusal::PreferenceCodeTaken { .. }))),
            "{taken:?}"
        );
        assert!(
            w.catalogue.add(organisation(2), details("news", true)).await.is_ok(),
            "per organisation"
        );
        let n = w
            .profiles
            .create(org, new_customer(org, None), None)
            .await
            .unwrap_or_else(|e| panic!("{e:?}"))
            .customer()
            .customer_number;
        let choice = PreferenceChoice {
            preference_id: news.id,
            value: Some("weekly".into()),
        };
        assert!(w.choices.choose(org, n, choice.clone()).await.is_ok());
        w.catalogue
            .update(org, news.id, details("NEWS", false))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        let inactive = w.choices.choose(org, n, choice).await;
        assert!(
            matches!(inactive, Err(DomainError::Refused(Refusal::PreferenceInactive))),
            "{inactive:?}"
        );
        let unknown = PreferenceChoice {
            preference_id: ItemId::parse("id", 4_242_424).unwrap_or_else(|e| panic!("{e:?}")),
            value: None,
        };
        let unknown = w.choices.choose(org, n, unknown).await;
        assert!(
            matches!(unknown, Err(DomainError::NotFound(Missing::Preference))),
            "{unknown:?}"
        );
        // Renaming frees the old code.
        w.catalogue
            .update(org, news.id, details("LETTERS", true))
            .await
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(w.catalogue.add(org, details("news", true)).await.is_ok());
    }
}
