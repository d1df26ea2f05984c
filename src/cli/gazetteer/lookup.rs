//! `gaztag gazetteer lookup TEXT...`: the folded key of each text and the entities it names.

use std::io::Write as _;

use gaztag::gazetteer::{VariantRef, key_of};

use crate::cli::GazetteerArgs;

/// Arguments of `gaztag gazetteer lookup`.
#[derive(clap::Args, Debug)]
pub struct LookupArgs {
    /// Names to look up (quote multiword names).
    #[arg(required = true, value_name = "TEXT")]
    texts: Vec<String>,
    /// Also list every key within this many edits (characters), nearest first, and the names
    /// it is a transliteration drift of (as `tag --fuzzy` finds them).
    #[arg(long, value_name = "N")]
    fuzzy: Option<u32>,
    #[command(flatten)]
    gazetteer: GazetteerArgs,
}

pub fn run(args: LookupArgs) -> anyhow::Result<i32> {
    let tagger = args
        .gazetteer
        .builder()?
        .fuzzy(args.fuzzy.is_some())
        .build();
    let mut missing = 0;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for text in &args.texts {
        writeln!(out, "{text}\tkey: {}", key_of(text))?;
        let mut found = 0;
        for g in tagger.layers() {
            match args.fuzzy {
                None => {
                    for v in g.lookup(text) {
                        found += print_variant(&mut out, g, &v, 0)?;
                    }
                }
                Some(n) => {
                    for hit in g.fuzzy(text, n)? {
                        for v in &hit.variants {
                            found += print_variant(&mut out, g, v, hit.distance)?;
                        }
                    }
                }
            }
        }
        if args.fuzzy.is_some() {
            // transliteration drift, as `tag --fuzzy` sees it, when it covers the whole text
            for m in tagger.tag(text) {
                if m.how == gaztag::MatchKind::Fuzzy
                    && m.prefix.is_empty()
                    && m.text.chars().count() == text.trim().chars().count()
                {
                    writeln!(
                        out,
                        "  {}	{}	{}	variant: {}	drift, distance: {}",
                        m.entity,
                        m.kind,
                        m.name,
                        m.variant,
                        m.cost.unwrap_or(0)
                    )?;
                    found += 1;
                }
            }
        }
        if found == 0 {
            writeln!(out, "  (no entity)")?;
            missing += 1;
        }
    }
    out.flush()?;
    Ok(if missing > 0 {
        super::super::EXIT_PARTIAL
    } else {
        super::super::EXIT_OK
    })
}

fn print_variant(
    out: &mut impl std::io::Write,
    g: &gaztag::Gazetteer,
    v: &VariantRef<'_>,
    distance: u32,
) -> std::io::Result<usize> {
    let Some(e) = g.entity(v.entity) else {
        return Ok(0);
    };
    let exact = if v.exact { " (exact-only)" } else { "" };
    writeln!(
        out,
        "  {}\t{}\t{}\tvariant: {}{exact}\tdistance: {distance}",
        e.id, e.kind, e.name, v.text
    )?;
    Ok(1)
}
