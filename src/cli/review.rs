//! `gaztag review`: show annotated documents in a terminal, or write HTML pages.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;

use anyhow::Context;

use gaztag::review::{self, ReviewError, html, terminal};

use super::{EXIT_OK, EXIT_PARTIAL};

#[derive(clap::Args, Debug)]
pub struct ReviewArgs {
    /// Annotations to review: files written by `tag --out`, JSON Lines from `tag`, or folders
    /// of them (searched recursively for *.json and *.jsonl).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Folder the documents' names are relative to (default: where `tag --out` recorded it in
    /// the annotations' folder, else the current folder).
    #[arg(long, value_name = "DIR")]
    docs: Option<PathBuf>,
    /// Write one self-contained HTML page per document into OUT, mirroring the document names,
    /// and OUT/index.html when there are several, instead of printing the text.
    #[arg(long, value_name = "OUT")]
    html: Option<PathBuf>,
    /// Colors in the terminal: `auto` when standard output is a terminal and NO_COLOR is not
    /// set, `always`, or `never` (plain `[TEXT]{TYPE:ENTITY}` markup).
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = Color::Auto)]
    color: Color,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Color {
    Auto,
    Always,
    Never,
}

pub fn run(args: ReviewArgs) -> anyhow::Result<i32> {
    let (docs, mut errors) = review::load(&args.paths, args.docs.as_deref());
    report(&errors, args.docs.is_none());
    if docs.is_empty() && errors.is_empty() {
        // an empty folder or file: nothing was reviewed, which is not what was asked
        let paths: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
        eprintln!("gaztag: no annotations in {}", paths.join(", "));
        return Ok(EXIT_PARTIAL);
    }
    if let Some(out) = &args.html {
        std::fs::create_dir_all(out)
            .with_context(|| format!("creating output folder {}", out.display()))?;
        let (written, write_errors) = html::write_pages(&docs, out);
        report(&write_errors, false);
        errors.extend(write_errors);
        // the page to open: the index, or the only page
        if let Some(page) = written.last() {
            writeln!(std::io::stdout(), "{}", page.display())?;
        }
    } else {
        let color = match args.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        let style = if color {
            terminal::Style::Color
        } else {
            terminal::Style::Plain
        };
        show(&docs, style).context("writing to standard output")?;
    }
    Ok(if errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_PARTIAL
    })
}

fn show(docs: &[review::Annotated], style: terminal::Style) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if style == terminal::Style::Color && !docs.is_empty() {
        out.write_all(terminal::legend().as_bytes())?;
        out.write_all(b"\n")?;
    }
    for (i, doc) in docs.iter().enumerate() {
        if docs.len() > 1 {
            if i > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(terminal::header(doc, style).as_bytes())?;
        }
        out.write_all(terminal::render(doc, style).as_bytes())?;
    }
    out.flush()
}

/// Reports each error on stderr, and says where documents are looked for when one is missing.
fn report(errors: &[ReviewError], default_docs: bool) {
    for e in errors {
        eprintln!("gaztag: {e}");
    }
    if default_docs && errors.iter().any(ReviewError::is_missing_document) {
        eprintln!(
            "gaztag: note: documents are looked for where `tag --out` recorded them, else \
             relative to the current folder; use --docs DIR to name the folder they were \
             tagged in"
        );
    }
}
