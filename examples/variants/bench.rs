//! The fuzzy-spelling variant benchmark (`docs/accuracy.md`, "Fuzzy spelling variants"),
//! shared by `examples/variants` and `tests/variants.rs`.
//!
//! Each query is one spelling of a place; it is ranked against every other spelling in the
//! name list (its own spelling left out, as if the gazetteer lacked it), and a method returns
//! a set of places. A query is right when the set holds its place. Recall is right queries
//! over all queries, precision is right places over all places returned, and the mean counts
//! places per answered query.

use std::collections::HashMap;

use gaztag::distance::{CandidateSet, Scorer, Weights};
use gaztag::normalize::{fold, skeleton_char, skeleton_word};
use rayon::prelude::*;

/// A part of the benchmark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Tuned on.
    Dev,
    /// Scored only.
    Heldout,
}

/// One query: a folded spelling and its place.
#[derive(Clone, Debug)]
pub struct Query {
    /// Which part it is in.
    pub part: Part,
    /// The folded spelling.
    pub text: String,
    /// Its place (an index into `Bench::places`).
    pub place: u32,
    /// Its own spelling's index in `Bench::names`, left out when it is ranked.
    pub name: usize,
}

/// The name list and the queries.
pub struct Bench {
    /// Folded spellings, unique.
    pub names: Vec<String>,
    /// The places each spelling names, sorted.
    pub places_of: Vec<Vec<u32>>,
    /// GeoNames ids by place index.
    pub places: Vec<u64>,
    /// The queries, in file order.
    pub queries: Vec<Query>,
    /// Spellings of the groups that could not be queries (they name another place too).
    pub ambiguous: usize,
    /// The name list prepared for the weighted cost.
    pub set: CandidateSet,
}

/// Reads the groups file (`part <TAB> geonameid <TAB> spelling`, `#` comments) and, when
/// given, the name list (`geonameid <TAB> spelling`); without one, the groups' spellings are
/// the name list.
pub fn load(groups: (&str, &str), names: Option<(&str, &str)>) -> Result<Bench, String> {
    let mut places: Vec<u64> = Vec::new();
    let mut place_ix: HashMap<u64, u32> = HashMap::new();
    let mut names_v: Vec<String> = Vec::new();
    let mut name_ix: HashMap<String, usize> = HashMap::new();
    let mut places_of: Vec<Vec<u32>> = Vec::new();
    let mut add = |gid: u64, spelling: &str| -> (u32, usize) {
        let p = *place_ix.entry(gid).or_insert_with(|| {
            places.push(gid);
            (places.len() - 1) as u32
        });
        let f = fold(spelling);
        let n = *name_ix.entry(f.clone()).or_insert_with(|| {
            names_v.push(f);
            places_of.push(Vec::new());
            names_v.len() - 1
        });
        if !places_of[n].contains(&p) {
            places_of[n].push(p);
        }
        (p, n)
    };
    let mut raw: Vec<(Part, u32, usize)> = Vec::new();
    let (gpath, gtext) = groups;
    for (k, line) in gtext.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let bad = || format!("{gpath}:{}: expected part, geonameid and spelling", k + 1);
        if f.len() != 3 {
            return Err(bad());
        }
        let part = match f[0] {
            "dev" => Part::Dev,
            "heldout" => Part::Heldout,
            _ => return Err(format!("{gpath}:{}: part is dev or heldout", k + 1)),
        };
        let gid: u64 = f[1].parse().map_err(|_| bad())?;
        let (p, n) = add(gid, f[2]);
        if !raw.iter().any(|&(_, q, m)| q == p && m == n) {
            raw.push((part, p, n));
        }
    }
    if let Some((npath, ntext)) = names {
        for (k, line) in ntext.lines().enumerate() {
            let bad = || format!("{npath}:{}: expected geonameid and spelling", k + 1);
            let (gid, s) = line.split_once('\t').ok_or_else(bad)?;
            add(gid.parse().map_err(|_| bad())?, s);
        }
    }
    for p in &mut places_of {
        p.sort_unstable();
    }
    // a query needs its place to have another spelling, and its own to name only that place
    let mut ambiguous = 0;
    let mut queries = Vec::new();
    for &(part, place, name) in &raw {
        if places_of[name].len() > 1 {
            ambiguous += 1;
            continue;
        }
        let others = raw.iter().any(|&(_, p, n)| p == place && n != name);
        if others {
            queries.push(Query {
                part,
                text: names_v[name].clone(),
                place,
                name,
            });
        }
    }
    let set = CandidateSet::new(names_v.iter().map(String::as_str));
    Ok(Bench {
        names: names_v,
        places_of,
        places,
        queries,
        ambiguous,
        set,
    })
}

/// How a method chooses candidates.
#[derive(Clone, Copy, Debug)]
pub enum Method {
    /// The nearest tier under these weights (their threshold included).
    Nearest(Weights),
    /// Today's rule in `src/tagger.rs` (`plausible_drift` and how a candidate is reached):
    /// every name it allows.
    Today,
    /// The places of the `k` nearest names under these weights, whatever their costs (the
    /// threshold and the tier not used).
    Top(Weights, usize),
}

/// Scores of one method on one part.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Score {
    /// Queries scored.
    pub queries: usize,
    /// Queries with at least one place returned.
    pub answered: usize,
    /// Queries whose places hold the right one.
    pub right: usize,
    /// Places returned, over all queries.
    pub returned: usize,
}

impl Score {
    /// Right queries over all queries.
    pub fn recall(&self) -> f64 {
        self.right as f64 / self.queries.max(1) as f64
    }
    /// Right places over places returned.
    pub fn precision(&self) -> f64 {
        self.right as f64 / self.returned.max(1) as f64
    }
    /// Places per answered query.
    pub fn mean(&self) -> f64 {
        self.returned as f64 / self.answered.max(1) as f64
    }
}

/// Scores `method` on `part`, returning at most `max` places per query (a query whose
/// candidates name more is left unanswered).
pub fn score(bench: &Bench, part: Part, method: Method, max: usize) -> Score {
    let qs: Vec<&Query> = bench.queries.iter().filter(|q| q.part == part).collect();
    let per: Vec<(bool, usize)> = qs
        .par_iter()
        .map_init(
            || (Scorer::new(weights_of(method)), Vec::new()),
            |(scorer, out), q| {
                let places = candidates(bench, q, method, scorer, out);
                if places.is_empty() || places.len() > max {
                    (false, 0)
                } else {
                    (places.contains(&q.place), places.len())
                }
            },
        )
        .collect();
    let mut s = Score {
        queries: qs.len(),
        ..Score::default()
    };
    for (right, n) in per {
        s.answered += usize::from(n > 0);
        s.right += usize::from(right);
        s.returned += n;
    }
    s
}

fn weights_of(method: Method) -> Weights {
    match method {
        Method::Nearest(w) => w,
        Method::Today => Weights::levenshtein(),
        Method::Top(w, _) => w,
    }
}

/// The places `method` returns for `q`, sorted.
fn candidates(
    bench: &Bench,
    q: &Query,
    method: Method,
    scorer: &mut Scorer,
    out: &mut Vec<(usize, u32)>,
) -> Vec<u32> {
    let mut places: Vec<u32> = Vec::new();
    match method {
        Method::Nearest(_) => {
            let limit = scorer.limit(&q.text);
            scorer.nearest_in(&q.text, &bench.set, limit, |i| i != q.name, out);
            for &(i, _) in out.iter() {
                places.extend(&bench.places_of[i]);
            }
        }
        Method::Top(_, k) => {
            // the k nearest names, then their places, nearest first, at most k
            scorer.k_nearest_in(&q.text, &bench.set, k, u32::MAX / 8, |i| i != q.name, out);
            for &(i, _) in out.iter() {
                for &p in &bench.places_of[i] {
                    if places.len() < k && !places.contains(&p) {
                        places.push(p);
                    }
                }
            }
        }
        Method::Today => {
            let n = q.text.chars().count();
            for (i, k) in bench.names.iter().enumerate() {
                if i != q.name && k.chars().count().abs_diff(n) <= 2 && today_allows(&q.text, k) {
                    places.extend(&bench.places_of[i]);
                }
            }
        }
    }
    places.sort_unstable();
    places.dedup();
    places
}

/// Today's rule for the folded text `f` against key `k` (read from `src/tagger.rs`): keys of
/// under four letters or a skeleton under three never match; the key is reached through the
/// same skeleton, or, from five letters, one edit away from it; `plausible_drift` then wants
/// the article on both or neither, the same first and last letter up to the skeleton classes,
/// and at most one edit (two from eight letters, the article and spaces not counted).
pub fn today_allows(f: &str, k: &str) -> bool {
    let letters = k.chars().filter(|c| *c != ' ').count();
    let (sf, sk) = (skeleton_of(f), skeleton_of(k));
    if letters < 4 || sk.chars().filter(|c| *c != ' ').count() < 3 {
        return false;
    }
    let single = !k.contains(' ');
    let reached = sf == sk || (single && letters >= 5 && strsim::levenshtein(&sf, &sk) <= 1);
    if !reached {
        return false;
    }
    let (f, k) = (f.replace(' ', ""), k.replace(' ', ""));
    let (f, k) = match (f.strip_prefix("ال"), k.strip_prefix("ال")) {
        (Some(f), Some(k)) => (f, k),
        (None, None) => (f.as_str(), k.as_str()),
        _ => return false,
    };
    let class = |c: Option<char>| c.map(|c| skeleton_char(c).unwrap_or(c));
    let n = k.chars().count();
    let max_cost = if n >= 8 { 2 } else { 1 };
    class(f.chars().next()) == class(k.chars().next())
        && class(f.chars().last()) == class(k.chars().last())
        && strsim::levenshtein(f, k) <= max_cost
}

/// The skeleton of a folded spelling, word by word, spaces kept.
fn skeleton_of(s: &str) -> String {
    s.split(' ')
        .map(skeleton_word)
        .collect::<Vec<_>>()
        .join(" ")
}
