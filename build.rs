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
    let out =
        Path::new(&std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("default.gaz");
    std::fs::write(&out, bytes).expect("write the compiled default gazetteer");
}
