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
    /// The `id` field as given (a string or a number). A number too large for 64 bits is a
    /// float here; [`Record::document`] and the output line keep its exact digits.
    pub id: Value,
    /// The `id` field's JSON text, exactly as the input wrote it.
    pub id_token: String,
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
/// `preserve_order` feature), and the raw JSON text of its first `id` field: a number beyond
/// 64 bits becomes a float in a [`Value`], and two such ids could become one.
struct OrderedFields(Vec<(String, Value)>, Option<String>);

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
                let mut id = None;
                while let Some(k) = map.next_key::<String>()? {
                    let v = if k == "id" && id.is_none() {
                        let raw = map.next_value::<Box<serde_json::value::RawValue>>()?;
                        let v =
                            serde_json::from_str(raw.get()).map_err(serde::de::Error::custom)?;
                        id = Some(raw.get().to_owned());
                        v
                    } else {
                        map.next_value::<Value>()?
                    };
                    fields.push((k, v));
                }
                Ok(OrderedFields(fields, id))
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
        let OrderedFields(mut fields, id_token) = serde_json::from_str(text)
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
        let id_token = id_token.unwrap_or_else(|| id.to_string());
        Ok(Record {
            id,
            id_token,
            text,
            fields,
        })
    }

    /// The `document` name: a string id as is, a number with the digits the input gave (so
    /// `18446744073709551617` stays itself, not the float it would round to).
    pub fn document(&self) -> String {
        match &self.id {
            Value::String(s) => s.clone(),
            _ if self.big_integer_id() => self.id_token.clone(),
            v => v.to_string(),
        }
    }

    /// Whether the id is an integer beyond 64 bits, which a [`Value`] holds as a float.
    fn big_integer_id(&self) -> bool {
        matches!(&self.id, Value::Number(n) if n.is_f64())
            && self
                .id_token
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'-')
    }

    /// Tags the text and returns the output line (without a line break): the fields, then
    /// `document`, `chars` and `mentions`.
    pub fn annotate(&self, tagger: &Tagger) -> String {
        let doc = tagger.annotate(&self.document(), &self.text);
        let out = Annotated {
            fields: &self.fields,
            id_token: self.big_integer_id().then_some(self.id_token.as_str()),
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
    /// The `id` as the input wrote it, when it is an integer beyond 64 bits (which the parsed
    /// value holds as a float): written in place of the value.
    id_token: Option<&'a str>,
    document: &'a str,
    chars: usize,
    mentions: &'a [Mention],
}

impl Serialize for Annotated<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.fields.len() + 3))?;
        for (k, v) in self.fields {
            match self.id_token {
                Some(token) if k == "id" => {
                    let raw = serde_json::value::RawValue::from_string(token.to_owned())
                        .map_err(serde::ser::Error::custom)?;
                    m.serialize_entry(k, &raw)?
                }
                _ => m.serialize_entry(k, v)?,
            }
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
/// A reader thread hands over the lines; each batch (up to `batch` records or
/// [`BATCH_BYTES`] of input, always at least one record: fewer when no more input is ready yet,
/// so a slow producer still sees its records come back) is tagged in parallel on the current
/// rayon pool (call this inside [`rayon::ThreadPool::install`] to choose the pool), written and
/// flushed. At most two batches' worth of input bytes are held at a time (or one record, when
/// it alone is larger), so memory follows the size of the records, not their number.
/// Each line that cannot be tagged is written as [`LineError::to_json`] and passed to `report`;
/// a line longer than [`MAX_LINE_BYTES`] is one of those (it is skipped, not held in memory).
/// Only I/O errors stop the stream: an output that fails (a reader gone, a full disk) returns
/// the error as soon as the reader thread has finished the line it is reading.
pub fn tag_stream<R: BufRead + Send, W: Write>(
    tagger: &Tagger,
    input: R,
    output: W,
    batch: usize,
    report: impl FnMut(&LineError),
) -> io::Result<Summary> {
    tag_stream_sized(tagger, input, output, batch, BATCH_BYTES, report)
}

/// [`tag_stream`] with batches of up to `batch_bytes` bytes of input lines (always at least
/// one line) instead of [`BATCH_BYTES`]; `gaztag tag --stdin` gives a budget per worker thread.
pub fn tag_stream_sized<R: BufRead + Send, W: Write>(
    tagger: &Tagger,
    input: R,
    output: W,
    batch: usize,
    batch_bytes: usize,
    report: impl FnMut(&LineError),
) -> io::Result<Summary> {
    let sizes = Sizes {
        records: batch,
        bytes: batch_bytes,
        line: MAX_LINE_BYTES,
    };
    tag_stream_bounded(tagger, input, output, sizes, report)
}

/// The input bytes a batch of [`tag_stream`] holds at most (unless one record alone is larger).
pub const BATCH_BYTES: usize = 16 << 20;

/// The longest input line [`tag_stream`] reads, in bytes: a record's `text` is at most
/// [`MAX_DOCUMENT_BYTES`](crate::corpus::MAX_DOCUMENT_BYTES) anyway.
pub const MAX_LINE_BYTES: usize = crate::corpus::MAX_DOCUMENT_BYTES;

/// A line as the reader thread hands it over: its number, and its bytes or (too long) its size.
type ReadLine = io::Result<(usize, Result<Vec<u8>, u64>)>;

/// How much a batch of [`tag_stream_bounded`] holds, and the longest line it reads.
#[derive(Clone, Copy, Debug)]
struct Sizes {
    /// Records per batch at most.
    records: usize,
    /// Bytes of input lines per batch at most (unless one line alone is larger).
    bytes: usize,
    /// The longest line read, in bytes.
    line: usize,
}

/// The bytes of input lines held between the reader thread and the end of their batch's
/// tagging: the reader waits for room before it hands over a line, so read-ahead is bounded in
/// bytes, not in lines. Closed when the stream ends, so that a waiting reader stops.
struct Budget {
    /// Bytes held, and whether the budget is closed.
    held: std::sync::Mutex<(usize, bool)>,
    freed: std::sync::Condvar,
    limit: usize,
}

impl Budget {
    fn new(limit: usize) -> Budget {
        Budget {
            held: std::sync::Mutex::new((0, false)),
            freed: std::sync::Condvar::new(),
            limit,
        }
    }

    /// Waits until `n` more bytes fit (always when none are held), then holds them; `false`
    /// when the budget is closed.
    fn take(&self, n: usize) -> bool {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            let (bytes, closed) = *held;
            if closed {
                return false;
            }
            if bytes == 0 || bytes.saturating_add(n) <= self.limit {
                held.0 = bytes.saturating_add(n);
                return true;
            }
            held = self.freed.wait(held).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// Gives back `n` bytes.
    fn give(&self, n: usize) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        held.0 = held.0.saturating_sub(n);
        self.freed.notify_all();
    }

    /// Closes the budget: every [`Budget::take`], waiting or to come, returns `false`.
    fn close(&self) {
        self.held.lock().unwrap_or_else(|p| p.into_inner()).1 = true;
        self.freed.notify_all();
    }
}

/// Closes a [`Budget`] when dropped, however the stream ends.
struct CloseOnDrop<'a>(&'a Budget);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// The bytes of a line as handed over (an overlong line is not held).
fn held_bytes(line: &Result<Vec<u8>, u64>) -> usize {
    line.as_ref().map_or(0, Vec::len)
}

/// [`tag_stream`] with the batch sizes and longest line of `sizes`.
fn tag_stream_bounded<R: BufRead + Send, W: Write>(
    tagger: &Tagger,
    input: R,
    mut output: W,
    sizes: Sizes,
    mut report: impl FnMut(&LineError),
) -> io::Result<Summary> {
    let batch = sizes.records.max(1);
    let batch_bytes = sizes.bytes.max(1);
    let max_line = sizes.line;
    let (send, receive) = std::sync::mpsc::sync_channel::<ReadLine>(batch);
    // the batch being tagged and the next one, read ahead
    let budget = Budget::new(batch_bytes.saturating_mul(2));
    std::thread::scope(|scope| {
        // the receiver and the budget's closing belong to this closure: however it returns,
        // both are dropped before the scope waits for the reader, whose next send or wait for
        // room then fails and stops it
        let receive = receive;
        let _close = CloseOnDrop(&budget);
        let budget = &budget;
        scope.spawn(move || read_lines(input, send, max_line, budget));
        let mut summary = Summary::default();
        let mut lines: Vec<(usize, Result<Vec<u8>, u64>)> = Vec::with_capacity(batch);
        // wait for one line, then take what is ready, up to a batch
        while let Ok(first) = receive.recv() {
            lines.clear();
            let first = first?;
            let mut bytes = held_bytes(&first.1);
            lines.push(first);
            while lines.len() < batch && bytes < batch_bytes {
                match receive.try_recv() {
                    Ok(line) => {
                        let line = line?;
                        bytes += held_bytes(&line.1);
                        lines.push(line);
                    }
                    Err(_) => break,
                }
            }
            let results: Vec<Result<String, LineError>> = lines
                .par_iter()
                .map(|(n, line)| match line {
                    Ok(bytes) => tag_line(tagger, *n, bytes),
                    Err(size) => Err(LineError {
                        line: *n,
                        id: None,
                        message: format!(
                            "a line of {size} bytes: gaztag reads lines of up to {max_line} bytes; split the record"
                        ),
                    }),
                })
                .collect();
            // the lines are tagged: the reader may read the next batch while this one is written
            lines.clear();
            budget.give(bytes);
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
        Ok(summary)
    })
}

/// Sends the non-blank lines of `input` with their numbers (from 1), without line breaks or a
/// leading byte order mark, until the input ends, fails or the receiver is gone. A line longer
/// than `max` bytes is read through without being kept and sent as the bytes it had read.
/// Each kept line first waits for room in `budget`.
fn read_lines<R: BufRead>(
    mut input: R,
    send: std::sync::mpsc::SyncSender<ReadLine>,
    max: usize,
    budget: &Budget,
) {
    use std::io::Read as _;
    let mut number = 0;
    loop {
        let mut buf = Vec::new();
        let limit = max as u64 + 2; // room for a CRLF
        match input.by_ref().take(limit).read_until(b'\n', &mut buf) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => {
                let _ = send.send(Err(e));
                return;
            }
        }
        number += 1;
        if buf.len() as u64 == limit && buf.last() != Some(&b'\n') {
            drop(buf);
            let read = match skip_line(&mut input) {
                Ok(n) => limit + n,
                Err(e) => {
                    let _ = send.send(Err(e));
                    return;
                }
            };
            if send.send(Ok((number, Err(read)))).is_err() {
                return;
            }
            continue;
        }
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        if number == 1 && buf.starts_with("\u{feff}".as_bytes()) {
            buf.drain(..3);
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if !budget.take(buf.len()) || send.send(Ok((number, Ok(buf)))).is_err() {
            return;
        }
    }
}

/// Reads up to and including the next line break (or the end), keeping nothing; returns the
/// number of bytes read.
fn skip_line<R: BufRead>(input: &mut R) -> io::Result<u64> {
    let mut read = 0u64;
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(read);
        }
        match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => {
                input.consume(i + 1);
                return Ok(read + i as u64 + 1);
            }
            None => {
                let n = chunk.len();
                input.consume(n);
                read += n as u64;
            }
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

    /// An input that never ends: the same record forever.
    struct Endless(&'static [u8], usize);

    impl io::Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.0.len() - self.1);
            buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
            self.1 = (self.1 + n) % self.0.len();
            Ok(n)
        }
    }

    /// An output that takes `room` bytes, then fails as a full disk does.
    struct Full(usize);

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.0 < buf.len() {
                return Err(io::Error::from_raw_os_error(28)); // ENOSPC
            }
            self.0 -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// `yes RECORD | gaztag tag --stdin > /dev/full`: the output error ends the stream even
    /// though the input never does (the reader used to wait forever on the full channel).
    #[test]
    fn a_failing_output_stops_an_endless_stream() {
        let (done, wait) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let input = io::BufReader::new(Endless(
                "{\"id\": 1, \"text\": \"زار بوتين موسكو\"}\n".as_bytes(),
                0,
            ));
            let r = tag_stream(&tagger(), input, Full(10_000), 4, |_| {});
            let _ = done.send(r.map_err(|e| e.raw_os_error()));
        });
        let got = wait
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the stream ends when its output fails");
        assert_eq!(got, Err(Some(28)));
    }

    #[test]
    fn an_overlong_line_fails_alone() {
        let input = format!(
            "{{\"id\": 1, \"text\": \"موسكو\"}}\n{{\"id\": 2, \"text\": \"{}\"}}\r\n{{\"id\": 3, \"text\": \"باكو\"}}\n",
            "x".repeat(500)
        );
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let sizes = Sizes {
            records: 2,
            bytes: BATCH_BYTES,
            line: 100,
        };
        let s = tag_stream_bounded(&tagger(), input.as_bytes(), &mut out, sizes, |e| {
            errors.push(e.clone())
        })
        .unwrap();
        assert_eq!((s.records, s.failed), (3, 1));
        assert_eq!(errors[0].line, 2);
        assert!(
            errors[0].message.contains("up to 100 bytes"),
            "{}",
            errors[0]
        );
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1]["line"], 2);
        assert_eq!(lines[2]["document"], "3");
        // a line of exactly the limit is read
        let line = format!("{{\"id\": 4, \"text\": \"{}\"}}", "x".repeat(70));
        let (mut out, max) = (Vec::new(), line.len());
        let sizes = Sizes {
            records: 1,
            bytes: BATCH_BYTES,
            line: max,
        };
        let s = tag_stream_bounded(&tagger(), line.as_bytes(), &mut out, sizes, |_| {}).unwrap();
        assert_eq!(s.failed, 0);
    }

    /// An input that counts the bytes read from it.
    struct Counted<'a>(&'a [u8], std::sync::Arc<std::sync::atomic::AtomicUsize>);

    impl io::Read for Counted<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.read(buf)?;
            self.1.fetch_add(n, std::sync::atomic::Ordering::SeqCst);
            Ok(n)
        }
    }

    /// An output that records how much input had been read when it was first written to.
    struct FirstWrite(
        std::sync::Arc<std::sync::atomic::AtomicUsize>,
        Option<usize>,
    );

    impl Write for FirstWrite {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.1
                .get_or_insert_with(|| self.0.load(std::sync::atomic::Ordering::SeqCst));
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Batches are cut by bytes: with room for 64 records per batch but 2,000 bytes, the
    /// reader has read at most about two batches of bytes when the first batch is written
    /// (it used to read 64 records ahead), and the output is the same as with small batches.
    #[test]
    fn batches_and_read_ahead_are_bounded_by_bytes() {
        let mut input = String::new();
        for i in 0..100 {
            input.push_str(&format!(
                "{{\"id\": {i}, \"text\": \"زار بوتين موسكو {}\"}}\n",
                "x".repeat(950)
            ));
        }
        let read = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let reader = io::BufReader::with_capacity(64, Counted(input.as_bytes(), read.clone()));
        let mut out = FirstWrite(read, None);
        let s = tag_stream_sized(&tagger(), reader, &mut out, 64, 2_000, |_| {}).unwrap();
        assert_eq!((s.records, s.failed), (100, 0));
        let at_first_write = out.1.unwrap();
        // the batch written (2,000 bytes and the line that crossed them), the two batches the
        // reader may hold ahead, the line it waits to hand over and its buffer; without the
        // byte budget it read 64 lines ahead
        let line = input.lines().next().unwrap().len() + 1;
        let bound = 2_000 + line + 4_000 + line + 64;
        assert!(at_first_write <= bound, "{at_first_write} > {bound}");
        assert!(bound < 10 * line);
        let mut bytes = Vec::new();
        tag_stream_sized(&tagger(), input.as_bytes(), &mut bytes, 64, 2_000, |_| {}).unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), run(&input, 1).0);
    }

    #[test]
    fn the_budget_holds_one_line_even_when_it_alone_is_larger() {
        let b = Budget::new(10);
        assert!(b.take(25));
        b.give(25);
        assert!(b.take(6));
        assert!(b.take(4));
        b.give(10);
        b.close();
        assert!(!b.take(1));
    }

    /// Integer ids beyond 64 bits keep their digits: two of them used to become one float.
    #[test]
    fn big_integer_ids_stay_exact() {
        let input = concat!(
            r#"{"id": 18446744073709551617, "text": "موسكو"}"#,
            "\n",
            r#"{"id": 18446744073709551618, "text": "موسكو"}"#,
            "\n",
            r#"{"id": -99999999999999999999999, "text": "موسكو"}"#,
            "\n",
            r#"{"id": 2.50, "text": "موسكو"}"#,
            "\n",
        );
        let (out, errors, _) = run(input, 4);
        assert!(errors.is_empty());
        let lines: Vec<&str> = out.lines().collect();
        assert!(
            lines[0]
                .starts_with(r#"{"id":18446744073709551617,"document":"18446744073709551617","#),
            "{}",
            lines[0]
        );
        assert!(lines[1].contains(r#""document":"18446744073709551618""#));
        assert!(lines[2].starts_with(r#"{"id":-99999999999999999999999,"#));
        // a float is written as JSON writes it, as before
        assert!(
            lines[3].starts_with(r#"{"id":2.5,"document":"2.5","#),
            "{}",
            lines[3]
        );
    }
}
