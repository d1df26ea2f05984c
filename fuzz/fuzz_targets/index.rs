//! Arbitrary bytes loaded as a compiled gazetteer, then used: a load must refuse them with an
//! error or give an index that tags, looks up and counts without panicking or looping.
//!
//! The checksum is recomputed over the input before it is loaded (as someone crafting an
//! index would), so that the fuzzer reaches the structural checks behind it (every section,
//! the priors too); seed the corpus with real indexes (see the README).
#![no_main]

use std::sync::OnceLock;

use gaztag::gazetteer::format::{CHECKSUM_AT, HEADER_LEN, checksum};
use gaztag::{Gazetteer, TaggerBuilder};
use libfuzzer_sys::fuzz_target;

/// A text with people, places, organizations, titles, demonyms and drifted spellings.
fn text() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| {
        let seeds = concat!(
            "زار الرئيس الروسي فلاديمير بوتين باكو والتقى رئيس الوزراء الأرميني نيكول باشينيان. ",
            "وقال بوتن في موسكو إن الأمم المتحدة وحلف الناتو والاتحاد الأوروبي على حق، ",
            "وأضاف الأذربيجانية إلهام علييف وعلييف والسيد محمد بن سلمان في الرياض وكيلوغ."
        );
        seeds.repeat(3)
    })
}

fuzz_target!(|data: &[u8]| {
    let mut bytes = data.to_vec();
    if bytes.len() >= HEADER_LEN {
        let sum = checksum(&bytes);
        bytes[CHECKSUM_AT..CHECKSUM_AT + 4].copy_from_slice(&sum.to_le_bytes());
    }
    let Ok(g) = Gazetteer::from_bytes(bytes) else {
        return;
    };
    let _ = g.stats();
    let _ = g.lookup("باكو");
    let _ = g.fuzzy("بوتين", 2);
    let _ = g.name_word("محمد");
    for i in 0..g.len().min(64) as u32 {
        let _ = g.entity(i);
        let _ = g.weight(i);
    }
    let text = text();
    let tagger = TaggerBuilder::new()
        .gazetteer(g)
        .fuzzy(true)
        .demonyms(true)
        .build();
    for m in tagger.tag(text) {
        assert_eq!(&text[m.byte_start..m.byte_end], m.text);
    }
});
