//! The annotation wire format: what `gaztag tag` writes and reviewers read.
//!
//! Field order is fixed (serde writes struct fields in declaration order) and documented in
//! `docs/annotations.md`, with a JSON Schema in `docs/annotations.schema.json`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use crate::gazetteer::EntityType;

impl Serialize for EntityType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EntityType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<EntityType, D::Error> {
        let s = String::deserialize(d)?;
        EntityType::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown entity type `{s}`")))
    }
}

/// How a mention was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// The text folds to a gazetteer key.
    Exact,
    /// The text differs from a key in the ways transliterations drift (`tag --fuzzy`).
    Fuzzy,
    /// A short form (surname, first + last name, declared short name) of a name found
    /// earlier in the same document.
    Alias,
    /// A person name put together by the name rules (a given name or a title followed by
    /// name-like words, or a run of known name parts), not listed in the gazetteer.
    Composed,
}

impl MatchKind {
    /// The name written in the `match` field.
    pub fn as_str(&self) -> &'static str {
        match self {
            MatchKind::Exact => "exact",
            MatchKind::Fuzzy => "fuzzy",
            MatchKind::Alias => "alias",
            MatchKind::Composed => "composed",
        }
    }
}

/// What a mention's text is: a name, or an adjective form (nisba) of a place's name.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MentionKind {
    /// A name of the entity (the default, not written out).
    #[default]
    Name,
    /// An adjective naming the entity's people or things (`الأذربيجانية`), found with
    /// demonyms on.
    Demonym,
}

impl MentionKind {
    fn is_name(&self) -> bool {
        *self == MentionKind::Name
    }
}

/// A confidence in [0, 1], kept in thousandths so that annotations compare exactly and
/// print the same everywhere; written in JSON as a number (`0.935`).
///
/// See `docs/annotations.md` for how the tagger computes it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Score(u16);

impl Score {
    /// The largest score, 1.
    pub const ONE: Score = Score(1000);

    /// The score nearest to `x`, clamped to [0, 1] (`NaN` is 0).
    pub fn new(x: f64) -> Score {
        if x.is_nan() {
            return Score(0);
        }
        Score((x.clamp(0.0, 1.0) * 1000.0).round() as u16)
    }

    /// The score as a number in [0, 1].
    pub fn get(self) -> f64 {
        f64::from(self.0) / 1000.0
    }
}

impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:.3}", self.get())
    }
}

impl Serialize for Score {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.get())
    }
}

impl<'de> Deserialize<'de> for Score {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Score, D::Error> {
        let x = f64::deserialize(d)?;
        if !(0.0..=1.0).contains(&x) {
            return Err(serde::de::Error::custom(format!(
                "score {x} is outside [0, 1]"
            )));
        }
        Ok(Score::new(x))
    }
}

/// An entity a mention's key names, with its score: one of a mention's ranked candidates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// Entity id.
    pub entity: String,
    /// Entity type.
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Canonical name.
    pub name: String,
    /// How likely this entity is the one meant (the candidates are sorted by it, largest
    /// first).
    #[serde(default)]
    pub score: Score,
    /// Wikidata id of the entity, if the gazetteer has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wikidata: Option<String>,
    /// GeoNames id of the entity, if the gazetteer has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geonames: Option<String>,
}

/// One name found in a text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// Start, in Unicode scalar values (Python `str` indexes) of the original text.
    pub start: usize,
    /// End (exclusive), in Unicode scalar values.
    pub end: usize,
    /// Start, in bytes of the original UTF-8 text.
    pub byte_start: usize,
    /// End (exclusive), in bytes.
    pub byte_end: usize,
    /// The original text of the span, exactly: `text[byte_start..byte_end]`.
    pub text: String,
    /// PER, LOC or ORG.
    #[serde(rename = "type")]
    pub kind: EntityType,
    /// Id of the (first) entity.
    pub entity: String,
    /// Its canonical name.
    pub name: String,
    /// The gazetteer spelling that matched.
    pub variant: String,
    /// The proclitic before the span, as written (`""` if none): `و`, `ب`, `ل` of `للكرملين`…
    pub prefix: String,
    /// How the mention was found.
    #[serde(rename = "match")]
    pub how: MatchKind,
    /// For a fuzzy mention: the edit distance between the folded text and the folded variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<u32>,
    /// How likely the mention is right, in [0, 1]: from the match kind, the fuzzy cost, the
    /// rule that made it and the entity's prior among the candidates (`docs/annotations.md`).
    #[serde(default)]
    pub score: Score,
    /// `demonym` for an adjective form of the entity's name; absent for a name.
    #[serde(rename = "kind", default, skip_serializing_if = "MentionKind::is_name")]
    pub form: MentionKind,
    /// Wikidata id of the entity, if the gazetteer has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wikidata: Option<String>,
    /// GeoNames id of the entity, if the gazetteer has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geonames: Option<String>,
    /// Every entity the matched key names, ranked by score (the reported one first), when
    /// there is more than one; absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Candidate>,
}

/// The annotations of one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Path of the document relative to the argument it was found under.
    pub document: String,
    /// Length of the text in Unicode scalar values.
    pub chars: usize,
    /// The encoding the document was read in, when it was not UTF-8 (`UTF-16LE`,
    /// `windows-1256`, …, as [`corpus::Decoded`](crate::corpus::Decoded) names it); absent
    /// for UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Mentions, sorted by `start`.
    pub mentions: Vec<Mention>,
}

impl Document {
    /// Appends the document as one line of compact JSON, without the line end: the same bytes
    /// as `serde_json::to_string(self)` (a unit test holds the two together), written directly,
    /// without serde's per-field machinery. What `gaztag tag` writes as JSON Lines.
    pub fn write_json(&self, out: &mut String) {
        out.reserve(64 + self.document.len() + self.mentions.len() * 320);
        out.push_str("{\"document\":");
        json_str(out, &self.document);
        out.push_str(",\"chars\":");
        json_uint(out, self.chars as u64);
        if let Some(e) = &self.encoding {
            out.push_str(",\"encoding\":");
            json_str(out, e);
        }
        out.push_str(",\"mentions\":[");
        for (i, m) in self.mentions.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            m.write_json(out);
        }
        out.push_str("]}");
    }
}

impl Mention {
    /// Appends the mention as compact JSON, as `serde_json` writes it (see
    /// [`Document::write_json`]).
    fn write_json(&self, out: &mut String) {
        out.push_str("{\"start\":");
        json_uint(out, self.start as u64);
        out.push_str(",\"end\":");
        json_uint(out, self.end as u64);
        out.push_str(",\"byte_start\":");
        json_uint(out, self.byte_start as u64);
        out.push_str(",\"byte_end\":");
        json_uint(out, self.byte_end as u64);
        out.push_str(",\"text\":");
        json_str(out, &self.text);
        out.push_str(",\"type\":\"");
        out.push_str(self.kind.as_str());
        out.push_str("\",\"entity\":");
        json_str(out, &self.entity);
        out.push_str(",\"name\":");
        json_str(out, &self.name);
        out.push_str(",\"variant\":");
        json_str(out, &self.variant);
        out.push_str(",\"prefix\":");
        json_str(out, &self.prefix);
        out.push_str(",\"match\":\"");
        out.push_str(self.how.as_str());
        out.push('"');
        if let Some(c) = self.cost {
            out.push_str(",\"cost\":");
            json_uint(out, u64::from(c));
        }
        out.push_str(",\"score\":");
        json_score(out, self.score);
        if self.form == MentionKind::Demonym {
            out.push_str(",\"kind\":\"demonym\"");
        }
        json_ids(out, &self.wikidata, &self.geonames);
        if !self.candidates.is_empty() {
            out.push_str(",\"candidates\":[");
            for (i, c) in self.candidates.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str("{\"entity\":");
                json_str(out, &c.entity);
                out.push_str(",\"type\":\"");
                out.push_str(c.kind.as_str());
                out.push_str("\",\"name\":");
                json_str(out, &c.name);
                out.push_str(",\"score\":");
                json_score(out, c.score);
                json_ids(out, &c.wikidata, &c.geonames);
                out.push('}');
            }
            out.push(']');
        }
        out.push('}');
    }
}

/// The `wikidata` and `geonames` fields, each when present.
fn json_ids(out: &mut String, wikidata: &Option<String>, geonames: &Option<String>) {
    if let Some(w) = wikidata {
        out.push_str(",\"wikidata\":");
        json_str(out, w);
    }
    if let Some(g) = geonames {
        out.push_str(",\"geonames\":");
        json_str(out, g);
    }
}

/// A JSON string, escaped as `serde_json` escapes it: `"` and `\`, the control characters
/// (`\b \t \n \f \r` by name, the others as `\u00xx`); everything else as is.
fn json_str(out: &mut String, s: &str) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            b'\t' => "\\t",
            b'\n' => "\\n",
            0x0C => "\\f",
            b'\r' => "\\r",
            0x00..=0x1F => "",
            _ => continue,
        };
        // bytes before `i` are whole characters: `b` is ASCII
        out.push_str(&s[run..i]);
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xF)] as char);
        } else {
            out.push_str(esc);
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// An unsigned integer in decimal.
fn json_uint(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // ASCII digits
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or("0"));
}

/// A score as `serde_json` writes its `f64` (the shortest decimal that reads back as it):
/// thousandths with the trailing zeros dropped, `0.0` and `1.0` for the ends.
fn json_score(out: &mut String, s: Score) {
    match s.0 {
        0 => out.push_str("0.0"),
        1000.. => {
            // `Score::new` clamps to 1000; a larger one is written as serde would
            out.push_str(&serde_json::to_string(&s).unwrap_or_default())
        }
        n => {
            let d = [n / 100, n / 10 % 10, n % 10];
            let keep = if d[2] != 0 {
                3
            } else if d[1] != 0 {
                2
            } else {
                1
            };
            out.push_str("0.");
            for &x in &d[..keep] {
                out.push((b'0' + x as u8) as char);
            }
        }
    }
}

/// Reads annotations back: a file written by `gaztag tag --out` (one pretty-printed document),
/// a JSON Lines file from `gaztag tag` (one document per line), or a folder of either,
/// searched recursively for `*.json` and `*.jsonl` files, taken in path order.
///
/// A file may hold any number of documents one after the other, so both layouts read the same
/// way. Malformed JSON is an [`Error::Source`](crate::Error::Source) naming the file and line.
///
/// ```
/// # fn main() -> gaztag::Result<()> {
/// let dir = tempfile::tempdir().unwrap();
/// let tagger = gaztag::Tagger::new(gaztag::Gazetteer::embedded());
/// let doc = tagger.annotate("a.txt", "زار بوتين موسكو");
/// let path = dir.path().join("run.jsonl");
/// std::fs::write(&path, serde_json::to_string(&doc).unwrap() + "\n").unwrap();
/// let docs = gaztag::annotation::read_annotations(&path)?;
/// assert_eq!(docs, vec![doc]);
/// # Ok(())
/// # }
/// ```
pub fn read_annotations(path: &std::path::Path) -> crate::Result<Vec<Document>> {
    let mut errors = Vec::new();
    let files = annotation_files(path, &mut errors);
    if let Some(e) = errors.into_iter().next() {
        return Err(e);
    }
    let mut docs = Vec::new();
    for file in files {
        docs.extend(read_annotation_file(&file)?);
    }
    Ok(docs)
}

/// The annotation files [`read_annotations`] reads under `path`: `path` itself when it is a
/// file, else the `*.json` and `*.jsonl` files inside the folder, sorted by file name at each
/// level. A path that cannot be read, or a folder entry that cannot (a symlink loop), is
/// pushed to `errors` and the walk goes on.
pub fn annotation_files(
    path: &std::path::Path,
    errors: &mut Vec<crate::Error>,
) -> Vec<std::path::PathBuf> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            errors.push(crate::Error::io(path, e));
            return Vec::new();
        }
    };
    if !meta.is_dir() {
        return vec![path.to_owned()];
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(path)
        .follow_links(true)
        .sort_by_file_name()
    {
        match entry {
            Ok(entry) => {
                let is_json = entry
                    .path()
                    .extension()
                    .is_some_and(|x| x == "json" || x == "jsonl");
                if entry.file_type().is_file() && is_json {
                    files.push(entry.into_path());
                }
            }
            Err(e) => {
                let at = e.path().unwrap_or(path).to_owned();
                let io = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("symlink loop"));
                errors.push(crate::Error::io(at, io));
            }
        }
    }
    files
}

/// Reads every document of one annotation file (see [`read_annotations`]).
pub fn read_annotation_file(path: &std::path::Path) -> crate::Result<Vec<Document>> {
    let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, e))?;
    let mut docs = Vec::new();
    for doc in serde_json::Deserializer::from_slice(&bytes).into_iter::<Document>() {
        match doc {
            Ok(d) => docs.push(d),
            Err(e) => {
                return Err(crate::Error::source(
                    path,
                    e.line().max(1),
                    format!("not a gaztag annotation: {e}"),
                ));
            }
        }
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_annotation_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.jsonl");
        std::fs::write(
            &path,
            "{\"document\":\"a\",\"chars\":0,\"mentions\":[]}\n{\"document\": oops}\n",
        )
        .unwrap();
        let err = read_annotations(&path).unwrap_err().to_string();
        assert!(err.contains("bad.jsonl:2:"), "{err}");
    }

    #[test]
    fn folder_is_read_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        for (file, name) in [("sub/b.json", "b"), ("a.json", "a"), ("c.txt", "c")] {
            let doc = format!("{{\"document\":\"{name}\",\"chars\":0,\"mentions\":[]}}");
            std::fs::write(dir.path().join(file), doc).unwrap();
        }
        let docs = read_annotations(dir.path()).unwrap();
        let names: Vec<&str> = docs.iter().map(|d| d.document.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
    }

    fn json(doc: &Document) -> String {
        let mut out = String::new();
        doc.write_json(&mut out);
        out
    }

    /// Every score from 0 to 1 is written as serde_json writes the `f64`.
    #[test]
    fn scores_are_written_as_serde_json_writes_them() {
        for n in 0..=1000u16 {
            let mut out = String::new();
            json_score(&mut out, Score(n));
            assert_eq!(out, serde_json::to_string(&Score(n)).unwrap(), "{n}");
        }
    }

    /// The direct writer gives serde_json's bytes: every optional field present and absent,
    /// every control character, quotes, backslashes, Arabic, emoji, the tagger's documents.
    #[test]
    fn write_json_is_serde_json() {
        let mut weird: String = (0u8..0x20).map(char::from).collect();
        weird += "\"\\/\u{7f}\u{80}\u{2028}بوتين😀 \u{feff}";
        let candidate = |i: u16| Candidate {
            entity: format!("e{i}{weird}"),
            kind: [EntityType::Per, EntityType::Loc, EntityType::Org][usize::from(i % 3)],
            name: weird.clone(),
            score: Score(i * 7 % 1001),
            wikidata: i.is_multiple_of(2).then(|| format!("Q{i}")),
            geonames: i.is_multiple_of(3).then(|| weird.clone()),
        };
        let mention = |i: u16| Mention {
            start: usize::from(i),
            end: usize::MAX - usize::from(i),
            byte_start: 0,
            byte_end: 10_000_000_000,
            text: weird.clone(),
            kind: EntityType::Org,
            entity: "x".into(),
            name: String::new(),
            variant: weird[i as usize % 8..].to_owned(),
            prefix: "و".into(),
            how: [
                MatchKind::Exact,
                MatchKind::Fuzzy,
                MatchKind::Alias,
                MatchKind::Composed,
            ][usize::from(i % 4)],
            cost: (i % 2 == 1).then_some(u32::from(i) * 13),
            score: Score(1000 - i),
            form: if i.is_multiple_of(5) {
                MentionKind::Demonym
            } else {
                MentionKind::Name
            },
            wikidata: (i % 3 == 1).then(|| "Q1".into()),
            geonames: (i % 4 == 1).then(|| "123".into()),
            candidates: (0..i % 4).map(candidate).collect(),
        };
        let mut docs = vec![
            Document {
                document: weird.clone(),
                chars: 0,
                encoding: None,
                mentions: Vec::new(),
            },
            Document {
                document: "a/b.txt".into(),
                chars: 12,
                encoding: Some("windows-1256".into()),
                mentions: (0..40).map(mention).collect(),
            },
        ];
        let tagger = crate::Tagger::new(crate::Gazetteer::embedded());
        for e in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/seeds")).unwrap() {
            let path = e.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            docs.push(tagger.annotate(&path.display().to_string(), &text));
        }
        assert!(docs.iter().map(|d| d.mentions.len()).sum::<usize>() > 100);
        for doc in &docs {
            assert_eq!(json(doc), serde_json::to_string(doc).unwrap());
        }
    }
}
