//! Arbitrary bytes through the whole path a document takes: decode (UTF-8 and UTF-16, or a
//! legacy encoding the first byte picks) → normalize → segment → tag, checking on the way
//! what every caller relies on: offset maps monotone on char boundaries, mentions equal to
//! their slice of the text, sorted and apart.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use gaztag::corpus::{Encoding, decode};
use gaztag::normalize::{Mode, normalize_with};
use gaztag::{Gazetteer, Tagger};
use libfuzzer_sys::fuzz_target;

fn tagger() -> &'static Tagger {
    static TAGGER: OnceLock<Tagger> = OnceLock::new();
    TAGGER.get_or_init(|| {
        Tagger::builder()
            .gazetteer(Gazetteer::embedded())
            .fuzzy(true)
            .demonyms(true)
            .build()
    })
}

fuzz_target!(|data: &[u8]| {
    // a first byte 1 or 2 (never in text: control characters) picks a legacy encoding, so
    // that plain text files work as seeds
    let (encoding, bytes) = match data.split_first() {
        Some((1, rest)) => (Encoding::Windows1256, rest),
        Some((2, rest)) => (Encoding::Iso8859_6, rest),
        _ => (Encoding::Auto, data),
    };
    let Ok(text) = decode(Path::new("fuzz.txt"), bytes, encoding) else {
        return;
    };
    for mode in [Mode::Fold, Mode::Light] {
        let n = normalize_with(&text, mode);
        let len = n.as_str().len();
        assert_eq!(n.origin(len), text.len());
        for i in 0..len {
            assert!(n.origin(i) <= n.origin(i + 1));
            assert!(text.is_char_boundary(n.origin(i)));
        }
    }
    let _ = gaztag::segment::words(&text);
    let _ = gaztag::segment::words(normalize_with(&text, Mode::Fold).as_str());
    let mentions = tagger().tag(&text);
    let chars: Vec<char> = text.chars().collect();
    for m in &mentions {
        assert_eq!(chars[m.start..m.end].iter().collect::<String>(), m.text);
        assert_eq!(&text[m.byte_start..m.byte_end], m.text);
    }
    for w in mentions.windows(2) {
        assert!(w[0].end <= w[1].start);
    }
});
