//! JSON snapshots of the annotations of every seed document, in the top-level `snapshots/`.
//! Review changes with `cargo insta review`, reading each one before accepting it.

use gaztag::{Gazetteer, Tagger};

#[test]
fn seeds() {
    let tagger = Tagger::new(Gazetteer::embedded());
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::glob!("../seeds", "*.txt", |path| {
            let text = std::fs::read_to_string(path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy();
            let doc = tagger.annotate(&name, &text);
            // house rule 1: every span is the original text at its offsets
            let chars: Vec<char> = text.chars().collect();
            for m in &doc.mentions {
                assert_eq!(text[m.byte_start..m.byte_end], m.text);
                assert_eq!(chars[m.start..m.end].iter().collect::<String>(), m.text);
            }
            insta::assert_json_snapshot!(doc);
        });
    });
}
