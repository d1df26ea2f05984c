//! What `gaztag` tells its user besides annotations: the progress bar of `tag` on a terminal,
//! shell completions and man pages generated from the command-line definitions.

use std::process::Command;

mod common;
use common::{gaztag, stderr, stdout};

#[test]
fn completions_know_every_option() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let o = gaztag(&["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        for option in [
            "--resume",
            "--encoding",
            "--quiet",
            "--format",
            "--gazetteer",
        ] {
            // fish spells a long option `-l NAME`
            let spelled = match shell {
                "fish" => format!("-l {}", &option[2..]),
                _ => option.to_owned(),
            };
            assert!(script.contains(&spelled), "{shell} lacks {option}");
        }
    }
    let o = gaztag(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn man_pages_for_the_command_and_each_subcommand() {
    let o = gaztag(&["man"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = stdout(&o);
    assert!(page.contains(".TH gaztag 1"), "{page}");
    assert!(page.contains("gaztag\\-tag"), "{page}");

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let o = gaztag(&["man", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let tag = std::fs::read_to_string(out.join("gaztag-tag.1")).unwrap();
    assert!(tag.contains(".TH gaztag-tag 1"), "{tag}");
    assert!(tag.contains("\\-\\-resume"), "{tag}");
    assert!(tag.contains("windows\\-1256"), "{tag}");
    assert!(out.join("gaztag-gazetteer-build.1").is_file());
    let hidden = std::fs::read_dir(&out)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('.')
        })
        .count();
    assert_eq!(hidden, 0, "no temporary file left");
}

/// Runs `gaztag ARGS` with stdout and stderr on a pseudo-terminal, through `script(1)`;
/// `None` when `script` is not installed.
fn on_a_terminal(args: &str) -> Option<String> {
    let cmd = format!("{} {args}", env!("CARGO_BIN_EXE_gaztag"));
    let o = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .output()
        .ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).into_owned())
}

#[test]
fn a_progress_bar_on_a_terminal_only_and_not_when_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().display();
    let Some(shown) = on_a_terminal(&format!("tag seeds --out {out}/a")) else {
        eprintln!("script(1) is not available: progress bar not checked on a terminal");
        return;
    };
    assert!(shown.contains("5/5 documents, "), "{shown}");
    assert!(shown.contains(" MB, "), "{shown}");
    assert!(shown.contains("left"), "{shown}");
    assert!(shown.contains("gaztag: 5 documents tagged"), "{shown}");
    let quiet = on_a_terminal(&format!("tag seeds --out {out}/b --quiet")).unwrap();
    assert!(!quiet.contains("documents"), "{quiet}");
    // piped: only the summary
    let o = gaztag(&["tag", "seeds", "--out", &format!("{out}/c")]);
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(!err.contains("left"), "{err}");
}
