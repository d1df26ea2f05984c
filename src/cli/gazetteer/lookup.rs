//! `gaztag gazetteer lookup TEXT...`: the folded key of each text and the entities it names.

use gaztag::gazetteer::{VariantRef, key_of};

use crate::cli::GazetteerArgs;

/// Arguments of `gaztag gazetteer lookup`.
#[derive(clap::Args, Debug)]
pub struct LookupArgs {
    /// Names to look up (quote multiword names).
    #[arg(required = true, value_name = "TEXT")]
    texts: Vec<String>,
    /// Also list every key within this many edits (characters), nearest first.
    #[arg(long, value_name = "N")]
    fuzzy: Option<u32>,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

pub fn run(args: LookupArgs) -> anyhow::Result<i32> {
    let tagger = args.gazetteer.tagger()?;
    let mut missing = 0;
    for text in &args.texts {
        println!("{text}\tkey: {}", key_of(text));
        let mut found = 0;
        for g in tagger.layers() {
            match args.fuzzy {
                None => {
                    for v in g.lookup(text) {
                        found += print_variant(g, &v, 0);
                    }
                }
                Some(n) => {
                    for hit in g.fuzzy(text, n)? {
                        for v in &hit.variants {
                            found += print_variant(g, v, hit.distance);
                        }
                    }
                }
            }
        }
        if found == 0 {
            println!("  (no entity)");
            missing += 1;
        }
    }
    Ok(if missing > 0 {
        super::super::EXIT_PARTIAL
    } else {
        super::super::EXIT_OK
    })
}

fn print_variant(g: &gaztag::Gazetteer, v: &VariantRef<'_>, distance: u32) -> usize {
    let Some(e) = g.entity(v.entity) else {
        return 0;
    };
    let exact = if v.exact { " (exact-only)" } else { "" };
    println!(
        "  {}\t{}\t{}\tvariant: {}{exact}\tdistance: {distance}",
        e.id, e.kind, e.name, v.text
    );
    1
}
