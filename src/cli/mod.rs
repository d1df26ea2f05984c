//! Command-line parsing and dispatch. Each subcommand lives in its own file; none holds logic
//! the library should have.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

mod diff;
mod docs;
mod eval;
mod gazetteer;
mod review;
mod stream;
mod tag;

/// Exit status: everything worked.
pub const EXIT_OK: i32 = 0;
/// Exit status: some inputs failed (each was reported on stderr); the others were processed.
pub const EXIT_PARTIAL: i32 = 1;
/// Exit status: nothing could be done (bad usage, unusable gazetteer, unwritable output).
pub const EXIT_FATAL: i32 = 2;

/// Find the people, places and organizations named in Arabic text.
#[derive(Parser, Debug)]
#[command(name = "gaztag", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Tag documents (files or folders) and write JSON annotations.
    #[command(after_help = TAG_EXAMPLES)]
    Tag(tag::TagArgs),
    /// Check, edit, compile and query gazetteers.
    #[command(subcommand, after_help = GAZETTEER_EXAMPLES)]
    Gazetteer(gazetteer::GazetteerCommand),
    /// Score the tagger against gold CoNLL data: precision, recall, F1 per type.
    Eval(eval::EvalArgs),
    /// Show annotated documents with their mentions highlighted, in the terminal or as HTML.
    #[command(after_help = REVIEW_EXAMPLES)]
    Review(review::ReviewArgs),
    /// Compare two sets of annotations: mentions added, removed and changed per document.
    #[command(after_help = DIFF_EXAMPLES)]
    Diff(diff::DiffArgs),
    /// Print the completion script for a shell (bash, elvish, fish, powershell, zsh).
    Completions(docs::CompletionsArgs),
    /// Print the man page, or write one per command into a folder.
    Man(docs::ManArgs),
}

const TAG_EXAMPLES: &str = "\
Examples:
  gaztag tag seeds                        read the mentions on a terminal; JSON Lines when piped
  gaztag tag seeds | head -1              one document's annotations, as JSON
  gaztag tag corpus/ more.txt -o ann/     ann/corpus/….json, ann/more.txt.json
  cat article.txt | gaztag tag -          standard input as one document
  gaztag tag corpus --gazetteer my-names  your names on top of the default gazetteer
  gaztag tag corpus --encoding windows-1256   force an encoding (default: found per file)";

const GAZETTEER_EXAMPLES: &str = "\
Examples:
  gaztag gazetteer add --dir my-names --type PER --name \"كريم بنزيمة\" --en \"Karim Benzema\"
  gaztag tag corpus --gazetteer my-names           used at once, on top of the default
  gaztag gazetteer add-variant --dir my-names karim-benzema \"بن زيمة\"
  gaztag gazetteer check --dir my-names
  gaztag gazetteer lookup بوتن \"قرة باغ\"
  gaztag gazetteer suggest corpus/";

const REVIEW_EXAMPLES: &str = "\
Examples:
  gaztag tag seeds -o ann/ && gaztag review ann/     the texts, mentions highlighted
  gaztag review ann/ --html view/                    one HTML page per document
  gaztag review run.jsonl --docs corpus/             annotations from stdout: say where the texts are";

const DIFF_EXAMPLES: &str = "\
Examples:
  gaztag tag seeds -o before/
  gaztag tag seeds --gazetteer my-names -o after/
  gaztag diff before/ after/                         what the gazetteer change did
  gaztag diff before/ after/ --json";

/// The matching rules a run uses, shared by the commands that tag.
#[derive(clap::Args, Debug, Clone)]
pub struct RuleArgs {
    /// Also report adjective forms of place names (الأذربيجانية → Azerbaijan) as mentions of
    /// kind `demonym`.
    #[arg(long)]
    pub demonyms: bool,
    /// Also report names spelled the ways transliterations drift (كيلوغ for كيلوج, ديميتري for
    /// دميتري), marked `"match": "fuzzy"` with a cost.
    #[arg(long)]
    pub fuzzy: bool,
    /// Do not tag later short forms of a name found earlier in the document (a person's
    /// surname, a declared short form of an organization; `"match": "alias"`).
    #[arg(long)]
    pub no_aliases: bool,
    /// Do not put person names together, whatever `--compose` says (`"match": "composed"`).
    #[arg(long)]
    pub no_compose: bool,
    /// Put person names together from the words around them (`"match": "composed"`), with
    /// these rules, comma-separated: `titles` (a title, then the name), `given` (a given name,
    /// then the name), `parts` (a run of known name parts); the rules given replace the default.
    /// Default: titles,given (right more than 75% of the time on ANERcorp; parts less; see
    /// docs/accuracy.md).
    #[arg(long, value_delimiter = ',', value_name = "RULES",
          value_parser = ["titles", "given", "parts"])]
    pub compose: Vec<String>,
}

impl RuleArgs {
    /// Sets these rules on a tagger builder.
    pub fn apply(&self, mut b: gaztag::TaggerBuilder) -> gaztag::TaggerBuilder {
        b.demonyms(self.demonyms)
            .fuzzy(self.fuzzy)
            .aliases(!self.no_aliases)
            .compose(!self.no_compose)
            .compose_rules(if self.compose.is_empty() {
                Default::default()
            } else {
                gaztag::tagger::rules::names::ComposeRules {
                    titles: self.compose.iter().any(|r| r == "titles"),
                    given: self.compose.iter().any(|r| r == "given"),
                    parts: self.compose.iter().any(|r| r == "parts"),
                }
            });
        b
    }
}

/// Gazetteer selection shared by the commands that tag.
#[derive(clap::Args, Debug, Clone)]
pub struct GazetteerArgs {
    /// A gazetteer to use on top of the default: a folder of sources or a compiled index.
    /// Repeat to layer several; the first given takes precedence.
    #[arg(long = "gazetteer", value_name = "PATH")]
    pub gazetteers: Vec<PathBuf>,
    /// Leave the embedded default gazetteer out.
    #[arg(long)]
    pub no_default: bool,
}

impl GazetteerArgs {
    /// A tagger builder with these gazetteer layers, for further options.
    pub fn builder(&self) -> anyhow::Result<gaztag::TaggerBuilder> {
        let mut b = gaztag::Tagger::builder();
        for path in &self.gazetteers {
            b.gazetteer(gaztag::Gazetteer::load(path)?);
        }
        if !self.no_default {
            b.gazetteer(gaztag::Gazetteer::embedded());
        } else if self.gazetteers.is_empty() {
            anyhow::bail!("--no-default needs at least one --gazetteer");
        }
        Ok(b)
    }
}

/// Parses the command line, runs the command, and returns the exit status.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_FATAL } else { EXIT_OK };
        }
    };
    let result = match cli.command {
        Command::Tag(args) => tag::run(args),
        Command::Gazetteer(cmd) => gazetteer::run(cmd),
        Command::Eval(args) => eval::run(args),
        Command::Review(args) => review::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Completions(args) => docs::completions(args),
        Command::Man(args) => docs::man(args),
    };
    match result {
        Ok(code) => code,
        // `gaztag tag seeds | head`: the reader has all it wanted; stop quietly, as ripgrep does
        Err(e) if is_broken_pipe(&e) => EXIT_OK,
        Err(e) => {
            eprintln!("gaztag: error: {}", message(&e));
            EXIT_FATAL
        }
    }
}

/// Is `e`, or one of its causes, a write to a pipe whose reader has gone?
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        let kind = if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            Some(io.kind())
        } else if let Some(e) = cause.downcast_ref::<gaztag::Error>() {
            e.io_error().map(std::io::Error::kind)
        } else if let Some(e) = cause.downcast_ref::<serde_json::Error>() {
            e.io_error_kind()
        } else {
            None
        };
        kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}

/// `e` and its causes, `: `-separated, each cause left out when the message before it already
/// says it (an error that shows its cause and also returns it as its source).
fn message(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out += ": ";
        }
        out += &text;
    }
    out
}
