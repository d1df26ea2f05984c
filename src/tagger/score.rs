//! Scores: how likely a mention, and each of its candidates, is right.
//!
//! A mention's score is the product of two things, each in [0, 1]:
//!
//! * **how it was found** ([`of_match`]): an exact match of a name is the surest, a demonym,
//!   a declared short form or a document alias a little less, a fuzzy match less with every
//!   edit, a name put together by the name rules least;
//! * **the prior** ([`ranked`]): among the entities the matched key names in one gazetteer
//!   layer, an entity's share of their weights (`weight=` in the sources, 1 without it). A key
//!   of one entity has a share of 1; `الولايات المتحدة` imported as LOC 64 times and ORG once
//!   gives the place 64/65 and the organization 1/65.
//!
//! Layers keep their precedence: the candidates of the first layer that has the key come
//! first, and a later layer's candidate never scores above an earlier one's (its score is
//! capped at the one before it), so the candidates are always sorted by score.
//!
//! The numbers are documented in `docs/annotations.md`; change them there too.

use crate::annotation::{MatchKind, MentionKind, Score};

/// The score of an exact match of a name.
pub const EXACT: f64 = 0.95;
/// The score of an exact match of a demonym (an adjective form).
pub const DEMONYM: f64 = 0.85;
/// The score of a short form of a name found earlier in the document (declared `short=`,
/// or a surname alias of a person).
pub const ALIAS: f64 = 0.85;
/// The score of a fuzzy match at cost 100 (one ordinary edit); every further 100 takes
/// [`FUZZY_PER_EDIT`] off, and a cheaper drift (a long vowel: 40) scores more, up to
/// [`FUZZY_BEST`].
pub const FUZZY: f64 = 0.8;
/// The highest score of a fuzzy match.
pub const FUZZY_BEST: f64 = 0.88;
/// What every 100 of weighted cost beyond the first 100 costs a fuzzy match.
pub const FUZZY_PER_EDIT: f64 = 0.15;
/// The score of a name the name rules composed that ends with a gazetteer person.
pub const COMPOSED_PERSON: f64 = 0.75;
/// The score of a name the name rules composed from words the gazetteer does not list.
pub const COMPOSED: f64 = 0.6;

/// The score of a match before priors.
pub fn of_match(how: MatchKind, form: MentionKind, cost: Option<u32>) -> f64 {
    match how {
        MatchKind::Exact if form == MentionKind::Demonym => DEMONYM,
        MatchKind::Exact => EXACT,
        MatchKind::Alias => ALIAS,
        MatchKind::Fuzzy => {
            // the weighted cost, in hundredths of an edit (see `crate::distance`)
            let cost = f64::from(cost.unwrap_or(100));
            (FUZZY - FUZZY_PER_EDIT * (cost - 100.0) / 100.0).clamp(0.0, FUZZY_BEST)
        }
        MatchKind::Composed => COMPOSED,
    }
}

/// The scores of `ranked`, in that order, each item's (layer, prior weight) given by `of`:
/// `base` times the item's share of the weights of its layer's items, capped at the score
/// before it.
pub(crate) fn ranked<'a, T>(
    base: f64,
    ranked: &'a [T],
    of: impl Fn(&T) -> (usize, u64) + 'a,
) -> impl Iterator<Item = Score> + 'a {
    let mut cap = Score::ONE;
    ranked.iter().map(move |item| {
        let (layer, weight) = of(item);
        let (total, n) = ranked
            .iter()
            .map(&of)
            .filter(|(l, _)| *l == layer)
            .fold((0u128, 0u128), |(t, n), (_, w)| (t + u128::from(w), n + 1));
        let share = if total == 0 {
            1.0 / n as f64
        } else {
            (u128::from(weight) as f64) / total as f64
        };
        let s = Score::new(base * share).min(cap);
        cap = s;
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::{EntityRef, EntityType};

    fn e(id: &'static str, weight: u64) -> EntityRef<'static> {
        EntityRef {
            id,
            kind: EntityType::Loc,
            name: id,
            en: None,
            wikidata: None,
            geonames: None,
            weight,
        }
    }

    fn scores(base: f64, r: &[(usize, EntityRef<'_>)]) -> Vec<f64> {
        ranked(base, r, |(l, e)| (*l, e.weight))
            .map(Score::get)
            .collect()
    }

    #[test]
    fn one_candidate_keeps_the_match_score() {
        assert_eq!(scores(EXACT, &[(0, e("a", 1))]), [0.95]);
        assert_eq!(scores(EXACT, &[(0, e("a", 0))]), [0.95]);
    }

    #[test]
    fn shares_of_the_weights_within_a_layer() {
        assert_eq!(
            scores(1.0, &[(0, e("a", 64)), (0, e("b", 1))]),
            [0.985, 0.015]
        );
        assert_eq!(scores(1.0, &[(0, e("a", 1)), (0, e("b", 1))]), [0.5, 0.5]);
        assert_eq!(scores(1.0, &[(0, e("a", 0)), (0, e("b", 0))]), [0.5, 0.5]);
        assert_eq!(
            scores(1.0, &[(0, e("a", u64::MAX)), (0, e("b", u64::MAX))]),
            [0.5, 0.5]
        );
    }

    #[test]
    fn a_later_layer_never_outscores_an_earlier_one() {
        // the user layer (0) has a light entity, the default layer a heavy one
        assert_eq!(
            scores(1.0, &[(0, e("b", 3)), (0, e("a", 1)), (1, e("c", 100))]),
            [0.75, 0.25, 0.25]
        );
    }

    #[test]
    fn match_kinds() {
        let name = MentionKind::Name;
        assert_eq!(of_match(MatchKind::Exact, name, None), EXACT);
        assert_eq!(
            of_match(MatchKind::Exact, MentionKind::Demonym, None),
            DEMONYM
        );
        assert_eq!(of_match(MatchKind::Fuzzy, name, Some(100)), FUZZY);
        assert!((of_match(MatchKind::Fuzzy, name, Some(200)) - 0.65).abs() < 1e-9);
        assert!(of_match(MatchKind::Fuzzy, name, Some(40)) > FUZZY);
        assert!(of_match(MatchKind::Fuzzy, name, Some(0)) <= FUZZY_BEST);
        assert!(of_match(MatchKind::Fuzzy, name, Some(9900)) >= 0.0);
        assert!(of_match(MatchKind::Composed, name, None) < of_match(MatchKind::Alias, name, None));
    }
}
