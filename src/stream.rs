//! Streaming mode: tag JSON Lines records read from a stream, as `gaztag tag --stdin` does.
//!
//! Each input line is a JSON object with an `id` (a string or a number) and a `text` (a
//! string); any other fields are carried over. Each output line is the input object, in its
//! field order and without its `text`, followed by the annotation: `document` (the id as a
//! string: a string id as is, a number written out as JSON writes it), `chars` and `mentions`,
//! as in [`Document`](crate::Document). So an output line is also a valid line of a `gaztag tag`
//! JSON Lines run, which [`read_annotations`](crate::annotation::read_annotations) reads back.
//!
//! A line that cannot be tagged (not JSON, not an object, no string `text`, no usable `id`) gives
//! an error object instead, `{"line": N, "id": ID, "error": "..."}` (`id` only when it could be
//! read), and the stream goes on. Blank lines are skipped; line numbers count them.
//!
//! Memory stays bounded: [`tag_stream`] reads a batch of lines, tags them in parallel on the
//! current rayon pool, writes them in input order and flushes before it reads the next batch.
//!
//! ```
//! use gaztag::{Gazetteer, Tagger, stream};
//!
//! let tagger = Tagger::new(Gazetteer::embedded());
//! let input = concat!(
//!     r#"{"id": 7, "source": "wire", "text": "زار بوتين موسكو"}"#, "\n",
//!     r#"{"id": "b", "text": 12}"#, "\n",
//! );
//! let mut out = Vec::new();
//! let mut errors = Vec::new();
//! let summary = stream::tag_stream(&tagger, input.as_bytes(), &mut out, 64, |e| {
//!     errors.push(e.to_string())
//! })?;
//! assert_eq!((summary.records, summary.failed), (2, 1));
//! assert_eq!(errors, ["line 2 (id \"b\"): `text` must be a string, not a number"]);
//! let lines: Vec<serde_json::Value> = std::str::from_utf8(&out).unwrap()
//!     .lines().map(|l| serde_json::from_str(l).unwrap()).collect();
//! assert_eq!(lines[0]["id"], 7);
//! assert_eq!(lines[0]["source"], "wire");
//! assert_eq!(lines[0]["document"], "7");
//! assert_eq!(lines[0]["mentions"][0]["text"], "بوتين");
//! assert_eq!(lines[1]["line"], 2);
//! # Ok::<(), std::io::Error>(())
//! ```

use std::collections::HashSet;
use std::fmt;
use std::io::{self, BufRead, Write};

use rayon::prelude::*;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use crate::{Mention, Tagger};

/// The fields the annotation adds to a record; an input record may not have them.
pub const ANNOTATION_FIELDS: [&str; 3] = ["document", "chars", "mentions"];

/// One input record: a line of JSON Lines with an `id`, a `text` and any other fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    /// The `id` field as given (a string or a number).
    pub id: Value,
    /// The text to tag.
    pub text: String,
    /// Every field but `text`, `id` included, in input order.
    pub fields: Vec<(String, Value)>,
}

/// Why a line could not be tagged.
#[derive(Clone, Debug, PartialEq)]
pub struct LineError {
    /// Line number in the input, from 1.
    pub line: usize,
    /// The line's `id`, when it could be read.
    pub id: Option<Value>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(id) = &self.id {
            write!(f, " (id {id})")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl LineError {
    /// The error object written in place of the line's annotation:
    /// `{"line": N, "id": ID, "error": "..."}`, without `id` when it could not be read.
    pub fn to_json(&self) -> String {
        let mut m = serde_json::Map::new();
        m.insert("line".into(), self.line.into());
        if let Some(id) = &self.id {
            m.insert("id".into(), id.clone());
        }
        m.insert("error".into(), self.message.clone().into());
        Value::Object(m).to_string()
    }
}

/// A JSON object's fields in input order (`serde_json::Map` sorts them without the
/// `preserve_order` feature).
struct OrderedFields(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for OrderedFields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<OrderedFields, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OrderedFields;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedFields, A::Error> {
                let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    fields.push((k, v));
                }
                Ok(OrderedFields(fields))
            }
        }
        d.deserialize_map(V)
    }
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Record {
    /// Reads one line (without its line break). `line` is its number, for errors.
    pub fn parse(line: usize, bytes: &[u8]) -> Result<Record, LineError> {
        let error = |id: Option<Value>, message: String| LineError { line, id, message };
        let text =
            std::str::from_utf8(bytes).map_err(|e| error(None, format!("not UTF-8 text: {e}")))?;
        let OrderedFields(mut fields) = serde_json::from_str(text)
            .map_err(|e| error(None, format!("not a JSON object: {e}")))?;
        let mut seen = HashSet::new();
        for (k, _) in &fields {
            if !seen.insert(k.as_str()) {
                return Err(error(None, format!("field `{k}` given twice")));
            }
        }
        let id = fields
            .iter()
            .find(|(k, _)| k == "id")
            .map(|(_, v)| v.clone());
        let id = match id {
            Some(v @ (Value::String(_) | Value::Number(_))) => v,
            Some(v) => {
                let kind = kind_of(&v);
                return Err(error(
                    None,
                    format!("`id` must be a string or a number, not {kind}"),
                ));
            }
            None => return Err(error(None, "no `id` field".into())),
        };
        if let Some(k) = ANNOTATION_FIELDS.iter().find(|k| seen.contains(**k)) {
            return Err(error(
                Some(id),
                format!("field `{k}` is written by the annotation: rename it"),
            ));
        }
        let at = fields.iter().position(|(k, _)| k == "text");
        let Some(at) = at else {
            return Err(error(Some(id), "no `text` field".into()));
        };
        let text = match fields.remove(at).1 {
            Value::String(s) => s,
            v => {
                let kind = kind_of(&v);
                return Err(error(
                    Some(id),
                    format!("`text` must be a string, not {kind}"),
                ));
            }
        };
        if let Some(why) = crate::corpus::too_large(text.len() as u64) {
            return Err(error(Some(id), format!("`text` has {why}")));
        }
        Ok(Record { id, text, fields })
    }

    /// The `document` name: a string id as is, a number as JSON writes it.
    pub fn document(&self) -> String {
        match &self.id {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        }
    }

    /// Tags the text and returns the output line (without a line break): the fields, then
    /// `document`, `chars` and `mentions`.
    pub fn annotate(&self, tagger: &Tagger) -> String {
        let doc = tagger.annotate(&self.document(), &self.text);
        let out = Annotated {
            fields: &self.fields,
            document: &doc.document,
            chars: doc.chars,
            mentions: &doc.mentions,
        };
        serde_json::to_string(&out).expect("JSON values and annotations always serialize")
    }
}

/// An output line: the record's fields, then its annotation.
struct Annotated<'a> {
    fields: &'a [(String, Value)],
    document: &'a str,
    chars: usize,
    mentions: &'a [Mention],
}

impl Serialize for Annotated<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.fields.len() + 3))?;
        for (k, v) in self.fields {
            m.serialize_entry(k, v)?;
        }
        m.serialize_entry("document", self.document)?;
        m.serialize_entry("chars", &self.chars)?;
        m.serialize_entry("mentions", self.mentions)?;
        m.end()
    }
}

/// Tags one input line: its output line, or why it could not be tagged.
pub fn tag_line(tagger: &Tagger, line: usize, bytes: &[u8]) -> Result<String, LineError> {
    Record::parse(line, bytes).map(|r| r.annotate(tagger))
}

/// What a [`tag_stream`] run did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Records read (blank lines not counted).
    pub records: usize,
    /// Records that gave an error object.
    pub failed: usize,
}

/// Tags the JSON Lines of `input` and writes one line per record to `output`, in input order.
///
/// A reader thread hands over the lines; each batch (up to `batch` records: fewer when no more
/// input is ready yet, so a slow producer still sees its records come back) is tagged in
/// parallel on the current rayon pool (call this inside [`rayon::ThreadPool::install`] to
/// choose the pool), written and flushed. At most two batches of lines are held at a time.
/// Each line that cannot be tagged is written as [`LineError::to_json`] and passed to `report`.
/// Only I/O errors stop the stream.
pub fn tag_stream<R: BufRead + Send, W: Write>(
    tagger: &Tagger,
    input: R,
    mut output: W,
    batch: usize,
    mut report: impl FnMut(&LineError),
) -> io::Result<Summary> {
    let batch = batch.max(1);
    let (send, receive) = std::sync::mpsc::sync_channel::<io::Result<(usize, Vec<u8>)>>(batch);
    std::thread::scope(|scope| {
        scope.spawn(move || read_lines(input, send));
        let mut summary = Summary::default();
        let mut lines: Vec<(usize, Vec<u8>)> = Vec::with_capacity(batch);
        // wait for one line, then take what is ready, up to a batch
        while let Ok(first) = receive.recv() {
            lines.clear();
            lines.push(first?);
            while lines.len() < batch {
                match receive.try_recv() {
                    Ok(line) => lines.push(line?),
                    Err(_) => break,
                }
            }
            let results: Vec<Result<String, LineError>> = lines
                .par_iter()
                .map(|(n, bytes)| tag_line(tagger, *n, bytes))
                .collect();
            for result in results {
                summary.records += 1;
                let line = match result {
                    Ok(line) => line,
                    Err(e) => {
                        summary.failed += 1;
                        report(&e);
                        e.to_json()
                    }
                };
                output.write_all(line.as_bytes())?;
                output.write_all(b"\n")?;
            }
            output.flush()?;
        }
        // on an error the receiver is dropped here, which stops the reader
        Ok(summary)
    })
}

/// Sends the non-blank lines of `input` with their numbers (from 1), without line breaks or a
/// leading byte order mark, until the input ends, fails or the receiver is gone.
fn read_lines<R: BufRead>(
    mut input: R,
    send: std::sync::mpsc::SyncSender<io::Result<(usize, Vec<u8>)>>,
) {
    let mut number = 0;
    loop {
        let mut buf = Vec::new();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => {
                let _ = send.send(Err(e));
                return;
            }
        }
        number += 1;
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        if number == 1 && buf.starts_with("\u{feff}".as_bytes()) {
            buf.drain(..3);
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if send.send(Ok((number, buf))).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Gazetteer;

    fn tagger() -> Tagger {
        Tagger::new(Gazetteer::embedded())
    }

    fn run(input: &str, batch: usize) -> (String, Vec<LineError>, Summary) {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let s = tag_stream(&tagger(), input.as_bytes(), &mut out, batch, |e| {
            errors.push(e.clone())
        })
        .unwrap();
        (String::from_utf8(out).unwrap(), errors, s)
    }

    #[test]
    fn fields_keep_their_order_and_values_text_is_dropped() {
        let line = r#"{"zeta": [1, {"b": 2, "a": 1}], "id": "x", "text": "موسكو", "alpha": null}"#;
        let out = tag_line(&tagger(), 1, line.as_bytes()).unwrap();
        let prefix = r#"{"zeta":[1,{"a":1,"b":2}],"id":"x","alpha":null,"document":"x","chars":5,"#;
        assert!(out.starts_with(prefix), "{out}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["mentions"][0]["text"], "موسكو");
        assert!(v.get("text").is_none());
    }

    #[test]
    fn output_reads_back_as_a_document() {
        let t = tagger();
        let line = r#"{"id": 3.5, "text": "زار بوتين موسكو", "extra": true}"#;
        let out = tag_line(&t, 1, line.as_bytes()).unwrap();
        let doc: crate::Document = serde_json::from_str(&out).unwrap();
        assert_eq!(doc, t.annotate("3.5", "زار بوتين موسكو"));
    }

    #[test]
    fn malformed_lines_say_what_is_wrong() {
        let cases: [(&[u8], Option<Value>, &str); 9] = [
            (b"{not json", None, "not a JSON object"),
            (b"[1, 2]", None, "not a JSON object"),
            (b"{\"id\": 1, \"text\": \"\xff\"}", None, "not UTF-8"),
            (br#"{"text": "a"}"#, None, "no `id` field"),
            (
                br#"{"id": null, "text": "a"}"#,
                None,
                "`id` must be a string or a number, not null",
            ),
            (br#"{"id": 1}"#, Some(1.into()), "no `text` field"),
            (
                br#"{"id": 1, "text": ["a"]}"#,
                Some(1.into()),
                "not an array",
            ),
            (
                br#"{"id": "a", "text": "a", "id": "b"}"#,
                None,
                "field `id` given twice",
            ),
            (
                br#"{"id": 1, "text": "a", "mentions": []}"#,
                Some(1.into()),
                "`mentions`",
            ),
        ];
        for (line, id, message) in cases {
            let e = tag_line(&tagger(), 9, line).unwrap_err();
            assert_eq!(e.line, 9);
            assert_eq!(e.id, id, "{e}");
            assert!(e.message.contains(message), "{e} lacks {message}");
            let v: Value = serde_json::from_str(&e.to_json()).unwrap();
            assert_eq!(v["line"], 9);
            assert_eq!(v.get("id"), e.id.as_ref());
        }
    }

    #[test]
    fn order_is_kept_across_batches_and_errors_do_not_stop_the_stream() {
        let mut input = String::new();
        for i in 0..50 {
            if i % 7 == 3 {
                input.push_str("{oops\n");
            } else {
                input.push_str(&format!(
                    "{{\"id\": {i}, \"text\": \"زار بوتين موسكو {i}\"}}\n"
                ));
            }
        }
        input.push_str("\n   \r\n");
        let (one, errors, s) = run(&input, 1);
        let (many, _, _) = run(&input, 8);
        assert_eq!(one, many);
        assert_eq!(
            s,
            Summary {
                records: 50,
                failed: 7
            }
        );
        assert_eq!(
            errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            [4, 11, 18, 25, 32, 39, 46]
        );
        for (i, line) in one.lines().enumerate() {
            let v: Value = serde_json::from_str(line).unwrap();
            if i % 7 == 3 {
                assert_eq!(v["line"], i + 1);
            } else {
                assert_eq!(v["document"], i.to_string());
                assert_eq!(v["mentions"].as_array().unwrap().len(), 2);
            }
        }
    }

    #[test]
    fn crlf_bom_and_empty_input() {
        let (out, errors, s) = run("\u{feff}{\"id\": \"a\", \"text\": \"موسكو\"}\r\n", 4);
        assert!(errors.is_empty());
        assert_eq!(s.records, 1);
        assert!(out.contains(r#""document":"a","chars":5"#), "{out}");
        assert_eq!(run("", 4).0, "");
        assert_eq!(run("", 4).2, Summary::default());
    }
}
