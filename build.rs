//! Compiles the default gazetteer (`gazetteer/`) into `$OUT_DIR/default.gaz`, which
//! `src/gazetteer/mod.rs` embeds with `include_bytes!`.
//!
//! A build script cannot use the crate it builds, so the modules the compiler needs are pulled
//! in by path; they depend only on std, fst, crc32fast and unicode-normalization.
#![allow(dead_code)]

#[path = "src/error.rs"]
mod error;
#[path = "src/normalize.rs"]
mod normalize;
#[path = "src/segment.rs"]
mod segment;
mod gazetteer {
    #[path = "../src/gazetteer/compile.rs"]
    pub mod compile;
    #[path = "../src/gazetteer/format.rs"]
    pub mod format;
    #[path = "../src/gazetteer/source.rs"]
    pub mod source;
}

use std::path::Path;

fn main() {
    for watched in [
        "gazetteer",
        "src/normalize.rs",
        "src/segment.rs",
        "src/error.rs",
        "src/gazetteer/compile.rs",
        "src/gazetteer/format.rs",
        "src/gazetteer/source.rs",
    ] {
        println!("cargo:rerun-if-changed={watched}");
    }
    let sources = match gazetteer::source::read_dir(Path::new("gazetteer")) {
        Ok(s) => s,
        Err(e) => {
            // cargo shows this line; the build stops with the file and line to fix.
            eprintln!("error: default gazetteer: {e}");
            std::process::exit(1);
        }
    };
    let bytes = gazetteer::compile::compile(&sources);
    let out_dir =
        std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out_dir.join("default.gaz"), bytes)
        .expect("write the compiled default gazetteer");
    // which file each entity came from (entities are numbered in file order), for
    // `gazetteer stats` and `gazetteer export`
    let mut files = String::new();
    for group in sources.entities.chunk_by(|a, b| a.path == b.path) {
        let name = group[0].path.file_name().map(|n| n.to_string_lossy());
        files.push_str(&format!("{}\t{}\n", name.unwrap_or_default(), group.len()));
    }
    std::fs::write(out_dir.join("default-files.tsv"), files).expect("write the file list");
}
