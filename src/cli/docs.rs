//! `gaztag completions SHELL` and `gaztag man`: shell completions and a man page, generated
//! from the clap definitions so that they never drift from the real options.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::CommandFactory;

use super::{Cli, EXIT_OK};

#[derive(clap::Args, Debug)]
pub struct CompletionsArgs {
    /// The shell: bash, elvish, fish, powershell or zsh.
    #[arg(value_name = "SHELL")]
    shell: clap_complete::Shell,
}

/// Writes the completion script for a shell to stdout (for bash:
/// `gaztag completions bash > ~/.local/share/bash-completion/completions/gaztag`).
pub fn completions(args: CompletionsArgs) -> anyhow::Result<i32> {
    let mut cmd = Cli::command();
    // generated in memory: clap_complete panics when its writer fails (`| head -1`)
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "gaztag", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(EXIT_OK)
}

#[derive(clap::Args, Debug)]
pub struct ManArgs {
    /// Write a page per command (`gaztag.1`, `gaztag-tag.1`, `gaztag-gazetteer-build.1`, …)
    /// into DIR instead of printing `gaztag.1`.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Prints the man page `gaztag(1)` (roff; `gaztag man | man -l -`), or writes the pages of
/// every command into a folder, each atomically.
pub fn man(args: ManArgs) -> anyhow::Result<i32> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let Some(dir) = args.out else {
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd).render(&mut page)?;
        let mut out = std::io::stdout().lock();
        out.write_all(&page)?;
        out.flush()?;
        return Ok(EXIT_OK);
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut pending = vec![cmd];
    while let Some(cmd) = pending.pop() {
        pending.extend(cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
        let man = clap_mangen::Man::new(cmd);
        let mut page = Vec::new();
        man.render(&mut page)?;
        gaztag::atomic::write(&dir.join(man.get_filename()), &page)?;
    }
    Ok(EXIT_OK)
}
