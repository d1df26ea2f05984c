//! The annotations of real news validate against `docs/annotations.schema.json`.
//!
//! The seeds are five articles on one subject; this runs the tagger over the ANERcorp training
//! part (Arabic newswire no one here wrote), read at test time from `../shared/data/` (or the
//! file `GAZTAG_ANERCORP` names). It is not in the repository: without it the test says so
//! and passes.

use std::path::PathBuf;

use gaztag::import::{self, Corpus};
use gaztag::{Gazetteer, Tagger};

fn anercorp() -> Option<PathBuf> {
    let path = std::env::var_os("GAZTAG_ANERCORP")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../shared/data/anercorp-train/ANERCorp_CamelLab_train.txt"
            ))
        });
    path.is_file().then_some(path)
}

#[test]
fn news_output_validates_against_the_schema() {
    let Some(path) = anercorp() else {
        eprintln!(
            "skipped: ANERcorp is not at ../shared/data/anercorp-train/ (set GAZTAG_ANERCORP)"
        );
        return;
    };
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/annotations.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let mut corpus = Corpus::read(&[path]).unwrap();
    // a quarter of the corpus is plenty, and keeps the test quick in a debug build
    corpus.sentences.truncate(1000);
    // a gazetteer imported from the same data: ambiguous keys with weights, so that ranked
    // candidates are exercised, over the default one
    let imported = import::import(&corpus, &import::Options::default());
    let dir = tempfile::tempdir().unwrap();
    import::write_sources(&imported, dir.path(), false).unwrap();
    let tagger = Tagger::builder()
        .gazetteer(Gazetteer::load(dir.path()).unwrap())
        .gazetteer(Gazetteer::embedded())
        .fuzzy(true)
        .compose_rules(gaztag::tagger::rules::names::ComposeRules::all())
        .build();
    let (mut mentions, mut composed, mut ranked) = (0, 0, 0);
    for (i, sentences) in corpus.sentences.chunks(20).enumerate() {
        let text: String = sentences
            .iter()
            .map(|s| {
                s.tokens
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("\n\n");
        let doc = tagger.annotate(&format!("anercorp-{i:03}.txt"), &text);
        let json = serde_json::to_value(&doc).unwrap();
        if let Some(e) = validator.iter_errors(&json).next() {
            panic!("document {i}: {e} at {}", e.instance_path());
        }
        mentions += doc.mentions.len();
        composed += doc
            .mentions
            .iter()
            .filter(|m| m.entity.starts_with("composed:"))
            .count();
        ranked += doc
            .mentions
            .iter()
            .filter(|m| m.candidates.len() > 1)
            .count();
        for m in &doc.mentions {
            assert!(
                m.candidates.windows(2).all(|w| w[0].score >= w[1].score),
                "{m:?}"
            );
        }
    }
    assert!(
        // most names of this text are in the gazetteer imported from it, so few are composed
        mentions > 1000 && composed > 0 && ranked > 10,
        "{mentions} {composed} {ranked}"
    );
}
