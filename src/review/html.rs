//! HTML pages: one per document, an index of the documents and of the entities across them,
//! and the style sheet and scripts they share.
//!
//! # The output folder
//!
//! [`write_pages`] writes, into the output folder:
//!
//! * `NAME.html` for each document (see [`page_path`]);
//! * `index.html`, the documents and the entities across them (only when there are several
//!   documents);
//! * `_gaztag/review.css`, `_gaztag/review.js` and `_gaztag/index.js`, shared by every page,
//!   so that a page holds only its own text and mentions (10,000 documents do not carry 10,000
//!   copies of the style sheet and script).
//!
//! The folder needs nothing but itself: the pages link only to each other and to `_gaztag/`,
//! by relative links, and fetch nothing from the network (no fonts, no scripts, no images), so
//! it works from `file://`, from an archive, years later. Links out (Wikidata, GeoNames) are
//! made by the script in the tooltip and the entity panel only, as links the reader may follow.
//!
//! # A document's page
//!
//! It is written `dir="rtl" lang="ar"`, one `<p data-s="C">` per paragraph of the text (see
//! [`Annotated::paragraphs`]; `C` is the paragraph's first character offset). Each mention is
//! a `<mark class="m TYPE MATCH" id="mN" title="TYPE ENTITY">` element: colored by type (PER
//! blue, LOC green, ORG orange), its border drawn by match kind (exact solid, fuzzy dashed,
//! alias dotted, composed double), slanted when it is a demonym. The clitic glued before a
//! mention (the `ب` of `بكاراباخ`) is set apart in a `<span class="clitic">`, and both sides are
//! told to keep joining, so the word still reads as one. The mentions' details (entity, name,
//! variant, clitic, match kind, cost, form, candidates, offsets, and `score`, `wikidata`,
//! `geonames` and the gazetteer `source` line when the annotations have them) are one JSON
//! array in `<script type="application/json" id="gaztag-mentions">`, read by the script.
//!
//! The script (`review.js`) adds the tooltip, the side panel's entity card, the filters (type,
//! match kind, score range, entity, decision), full-text search, keyboard navigation and the
//! reviewer's decisions, kept in the browser's `localStorage` under the run id in
//! `<body data-run>` and exported as one JSON file (`docs/decisions.md`).
//!
//! Without its script a page still reads: the marks keep their colors, a `title` names each
//! mention's type and entity, and the panel's entries link to the first mention.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::annotation::{EntityType, MatchKind, Mention, MentionKind};

use super::{Annotated, Piece, ReviewError};

/// Escapes `s` for HTML text content: `&`, `<` and `>`.
///
/// ```
/// assert_eq!(gaztag::review::html::escape_text("a<b & c>"), "a&lt;b &amp; c&gt;");
/// ```
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s, false);
    out
}

/// Escapes `s` for a quoted HTML attribute value: `&`, `<`, `>`, `"` and `'`.
///
/// ```
/// assert_eq!(gaztag::review::html::escape_attr(r#"x="1" & 'y'"#), "x=&quot;1&quot; &amp; &#39;y&#39;");
/// ```
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s, true);
    out
}

fn push_escaped(out: &mut String, s: &str, attr: bool) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\'' if attr => out.push_str("&#39;"),
            // NUL is not allowed in HTML text; the parser would turn it into U+FFFD anyway
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// `value` as JSON that can sit inside a `<script>` element: every `<` is written `\u003c`,
/// so no `</script>` or `<!--` in a string can end the element early.
fn script_json(value: &serde_json::Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
}

/// The path of a document's page inside the output folder: its name (`/`-separated, as in the
/// annotations) with `.html` added, so the pages mirror the document tree as `tag --out` does.
///
/// # Errors
/// A message when the name would put the page outside the folder or nowhere: an absolute
/// name, an empty name or component, `.` or `..`, a backslash.
///
/// ```
/// use gaztag::review::html::page_path;
/// assert_eq!(page_path("2023/09/a.txt").unwrap(), std::path::Path::new("2023/09/a.txt.html"));
/// assert!(page_path("../a.txt").is_err());
/// assert!(page_path("/etc/passwd").is_err());
/// ```
pub fn page_path(document: &str) -> Result<PathBuf, String> {
    let ok = document
        .split('/')
        .all(|c| !c.is_empty() && c != "." && c != ".." && !c.contains(['\\', '\0']));
    if !ok {
        return Err(format!(
            "its name {document:?} cannot name a page inside the output folder (it must be a \
             relative path, without `.`, `..` or empty parts)"
        ));
    }
    Ok(PathBuf::from(format!("{document}.html")))
}

/// Percent-encodes `path` (`/`-separated) for an `href`: every byte but the unreserved ASCII
/// characters and `/`.
fn href(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The relative link from the page `from` to the page `to` (both `/`-separated paths inside
/// the output folder).
fn relative_href(from: &str, to: &str) -> String {
    let depth = from.matches('/').count();
    href(&format!("{}{to}", "../".repeat(depth)))
}

/// The folder, inside the output folder, of the files every page shares.
pub const ASSETS: &str = "_gaztag";

/// The shared files: name inside [`ASSETS`], contents.
const ASSET_FILES: [(&str, &str); 3] = [
    ("review.css", include_str!("review.css")),
    ("review.js", include_str!("review.js")),
    ("index.js", include_str!("index.js")),
];

/// Links from a page to its neighbours: `/`-separated paths of pages inside the output folder.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Nav {
    /// This page's path.
    pub page: String,
    /// The index page, when there is one.
    pub index: Option<String>,
    /// The previous document's page, with its document name.
    pub prev: Option<(String, String)>,
    /// The next document's page, with its document name.
    pub next: Option<(String, String)>,
    /// The run id: the key under which the browser keeps the decisions made on these pages.
    pub run: String,
}

fn type_word(t: EntityType) -> &'static str {
    match t {
        EntityType::Per => "person",
        EntityType::Loc => "place",
        EntityType::Org => "organization",
    }
}

/// `n` and the noun, singular for one: `plural(2, "entity", "entities")` is `2 entities`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The `<head>` of a page at `page`, titled `title`.
fn head(h: &mut String, page: &str, title: &str, dir: &str, lang: &str) {
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html dir=\"{dir}\" lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"gaztag {}\">\n\
         <title>{}</title>\n<link rel=\"stylesheet\" href=\"{}\">\n</head>\n",
        env!("CARGO_PKG_VERSION"),
        escape_text(title),
        escape_attr(&relative_href(page, &format!("{ASSETS}/review.css")))
    );
}

/// The details of a mention the script shows, as a JSON object: the annotation's own fields,
/// plus `score`, `wikidata`, `geonames` and the gazetteer line (`source`, or `file` and `line`,
/// or `gazetteer: {file, line}`) when the annotations have them.
fn mention_json(m: &Mention) -> serde_json::Value {
    use serde_json::{Value, json};
    let mut o = json!({
        "type": m.kind.as_str(),
        "entity": m.entity,
        "name": m.name,
        "variant": m.variant,
        "match": m.how.as_str(),
        "start": m.start,
        "end": m.end,
        "text": m.text,
    });
    let map = o.as_object_mut().expect("an object");
    if !m.prefix.is_empty() {
        map.insert("prefix".into(), m.prefix.clone().into());
    }
    if let Some(cost) = m.cost {
        map.insert("cost".into(), cost.into());
    }
    if m.form == MentionKind::Demonym {
        map.insert("form".into(), "demonym".into());
    }
    if m.candidates.len() > 1 {
        let list: Vec<Value> = m
            .candidates
            .iter()
            .map(|c| json!({"type": c.kind.as_str(), "entity": c.entity, "name": c.name}))
            .collect();
        map.insert("candidates".into(), list.into());
    }
    // fields newer annotations carry (optional): taken as they are written
    if let Ok(Value::Object(all)) = serde_json::to_value(m) {
        for key in ["score", "wikidata", "geonames", "source", "file", "line"] {
            if let Some(v) = all.get(key).filter(|v| !v.is_null()) {
                map.insert(key.into(), v.clone());
            }
        }
        // the gazetteer line as one object, `{"file": …, "line": …}`
        if let Some(Value::Object(g)) = all.get("gazetteer")
            && let Some(file) = g.get("file").and_then(Value::as_str)
        {
            let source = match g.get("line").and_then(Value::as_u64) {
                Some(line) => format!("{file}:{line}"),
                None => file.to_owned(),
            };
            map.insert("source".into(), source.into());
        }
    }
    o
}

/// The mentions of a page as the script reads them, in a compact form (a page of a hundred
/// mentions would otherwise carry its entity names a hundred times):
/// `{"entities": [[TYPE, ID, NAME], …], "mentions": [[ENTITY, START, END, {MORE}], …]}`,
/// `ENTITY` an index into `entities` (in order of first mention), `START` and `END` character
/// offsets, and `MORE` (left out when empty) holding only what differs from the usual: `v` the
/// variant when it is not the text, `m` the match kind when not `exact`, `p` the clitic, `c`
/// the cost, `f` the form (`demonym`), `a` the candidates as `[TYPE, ID, NAME]`, and `score`,
/// `wikidata`, `geonames`, `source`, `file`, `line` when the annotations have them.
fn page_json(d: &crate::annotation::Document) -> serde_json::Value {
    use serde_json::{Value, json};
    let mut entities: Vec<Value> = Vec::new();
    let mut slot = std::collections::HashMap::new();
    let mut mentions = Vec::with_capacity(d.mentions.len());
    for m in &d.mentions {
        let k = *slot.entry((m.kind, m.entity.as_str())).or_insert_with(|| {
            entities.push(json!([m.kind.as_str(), m.entity, m.name]));
            entities.len() - 1
        });
        let full = mention_json(m);
        let mut more = serde_json::Map::new();
        if m.variant != m.text {
            more.insert("v".into(), m.variant.clone().into());
        }
        if m.how != MatchKind::Exact {
            more.insert("m".into(), m.how.as_str().into());
        }
        for (short, long) in [("p", "prefix"), ("c", "cost"), ("f", "form")] {
            if let Some(v) = full.get(long) {
                more.insert(short.into(), v.clone());
            }
        }
        if m.candidates.len() > 1 {
            let list: Vec<Value> = m
                .candidates
                .iter()
                .map(|c| json!([c.kind.as_str(), c.entity, c.name]))
                .collect();
            more.insert("a".into(), list.into());
        }
        for key in ["score", "wikidata", "geonames", "source", "file", "line"] {
            if let Some(v) = full.get(key) {
                more.insert(key.into(), v.clone());
            }
        }
        let mut row = vec![json!(k), json!(m.start), json!(m.end)];
        if !more.is_empty() {
            row.push(Value::Object(more));
        }
        mentions.push(Value::Array(row));
    }
    json!({"entities": entities, "mentions": mentions})
}

/// The page of one document (see the module docs).
pub fn render_page(doc: &Annotated, nav: &Nav) -> String {
    let d = doc.doc();
    let name = escape_text(&d.document);
    let mut h = String::new();
    head(
        &mut h,
        &nav.page,
        &format!("{} · gaztag review", d.document),
        "rtl",
        "ar",
    );
    let _ = writeln!(
        h,
        "<body class=\"doc\" data-run=\"{}\" data-document=\"{}\" data-index=\"{}\">",
        escape_attr(&nav.run),
        escape_attr(&d.document),
        escape_attr(
            &nav.index
                .as_ref()
                .map(|i| relative_href(&nav.page, i))
                .unwrap_or_default()
        )
    );

    // header: navigation, name, counts, legend
    h.push_str("<header class=\"top\" dir=\"ltr\" lang=\"en\">\n<nav>");
    let link = |h: &mut String, to: &Option<(String, String)>, label: &str, rel: &str| match to {
        Some((page, document)) => {
            let _ = write!(
                h,
                "<a href=\"{}\" title=\"{}\" rel=\"{rel}\">{label}</a>",
                escape_attr(&relative_href(&nav.page, page)),
                escape_attr(document)
            );
        }
        None => {
            let _ = write!(h, "<span class=\"off\">{label}</span>");
        }
    };
    if nav.index.is_some() || nav.prev.is_some() || nav.next.is_some() {
        link(&mut h, &nav.prev, "← previous", "prev");
        if let Some(index) = &nav.index {
            let _ = write!(
                h,
                "<a href=\"{}\">all documents</a>",
                escape_attr(&relative_href(&nav.page, index))
            );
        }
        link(&mut h, &nav.next, "next →", "next");
    }
    h.push_str("</nav>\n");
    let _ = write!(
        h,
        "<h1><bdi>{name}</bdi></h1>\n<p class=\"counts\">{} of {} in {} characters:",
        plural(d.mentions.len(), "mention", "mentions"),
        plural(doc.entities().len(), "entity", "entities"),
        d.chars
    );
    for (t, n) in doc.counts_by_type() {
        let _ = write!(h, " <span class=\"chip {t}\">{t} {n}</span>");
    }
    h.push_str("</p>\n");
    legend(&mut h);
    h.push_str(
        "<div id=\"tools\" class=\"tools\"></div>\n</header>\n<div class=\"layout\">\n<main id=\"text\">\n",
    );

    // the text
    let text = doc.text();
    let (mut at_byte, mut at_char) = (0, 0);
    for p in doc.paragraphs() {
        at_char += text[at_byte..p.range.start].chars().count();
        at_byte = p.range.start;
        let _ = write!(h, "<p data-s=\"{at_char}\">");
        let mut pieces = p.pieces.iter().peekable();
        while let Some(piece) = pieces.next() {
            match piece {
                Piece::Text(t) => {
                    // the clitic glued before the next mention, if this text ends with it
                    let clitic = match pieces.peek() {
                        Some(Piece::Mention { mention, .. })
                            if !mention.prefix.is_empty() && t.ends_with(&mention.prefix) =>
                        {
                            Some(mention.prefix.as_str())
                        }
                        _ => None,
                    };
                    match clitic {
                        Some(c) => {
                            push_escaped(&mut h, &t[..t.len() - c.len()], false);
                            let _ = write!(
                                h,
                                "<span class=\"clitic\" title=\"clitic\">{}</span>",
                                escape_text(c)
                            );
                        }
                        None => push_escaped(&mut h, t, false),
                    }
                }
                Piece::Mention { index, mention } => {
                    mark(&mut h, *index, mention, text);
                }
            }
        }
        h.push_str("</p>\n");
    }
    if d.mentions.is_empty() {
        h.push_str("<p class=\"none\" dir=\"ltr\" lang=\"en\">No mentions in this document.</p>\n");
    }
    h.push_str("</main>\n");
    panel(&mut h, doc);
    h.push_str(
        "</div>\n<div id=\"tip\" role=\"tooltip\" dir=\"ltr\" lang=\"en\" hidden></div>\n\
         <script type=\"application/json\" id=\"gaztag-mentions\">",
    );
    h.push_str(&script_json(&page_json(d)));
    let _ = write!(
        h,
        "</script>\n<script src=\"{}\"></script>\n</body>\n</html>\n",
        escape_attr(&relative_href(&nav.page, &format!("{ASSETS}/review.js")))
    );
    h
}

fn legend(h: &mut String) {
    h.push_str("<div class=\"legend\" aria-label=\"legend\">");
    for t in [EntityType::Per, EntityType::Loc, EntityType::Org] {
        let _ = write!(
            h,
            "<span class=\"key\"><mark class=\"sample {t} exact\">{t}</mark> {}</span>",
            type_word(t)
        );
    }
    h.push_str("<span class=\"sep\"></span>");
    for (how, what) in [
        (MatchKind::Exact, "exact"),
        (MatchKind::Fuzzy, "fuzzy (drifted spelling)"),
        (MatchKind::Alias, "alias (short form)"),
        (MatchKind::Composed, "composed (name rules)"),
    ] {
        let _ = write!(
            h,
            "<span class=\"key\"><mark class=\"sample plain {}\">abc</mark> {what}</span>",
            how.as_str()
        );
    }
    h.push_str(
        "<span class=\"key\"><mark class=\"sample plain exact demonym\">abc</mark> demonym</span>\
         <span class=\"key\"><span class=\"clitic\">و</span> clitic</span></div>\n",
    );
}

fn mark(h: &mut String, index: usize, m: &Mention, text: &str) {
    let mut class = format!("m {} {}", m.kind, m.how.as_str());
    if m.form == MentionKind::Demonym {
        class.push_str(" demonym");
    }
    let prefix_glued = !m.prefix.is_empty() && text[..m.byte_start].ends_with(&m.prefix);
    if prefix_glued {
        class.push_str(" glued");
    }
    let _ = write!(
        h,
        "<mark class=\"{class}\" id=\"m{index}\" title=\"{} {}\">",
        m.kind,
        escape_attr(&m.entity)
    );
    push_escaped(h, &m.text, false);
    h.push_str("</mark>");
}

fn panel(h: &mut String, doc: &Annotated) {
    let entities = doc.entities();
    let _ = write!(
        h,
        "<aside id=\"panel\">\n<div id=\"card\" dir=\"ltr\" lang=\"en\" hidden></div>\n\
         <h2 lang=\"en\">Entities <span class=\"n\">{}</span></h2>\n",
        entities.len()
    );
    for t in [EntityType::Per, EntityType::Loc, EntityType::Org] {
        let of_type: Vec<_> = entities.iter().filter(|e| e.kind == t).collect();
        if of_type.is_empty() {
            continue;
        }
        let _ = write!(
            h,
            "<h3 class=\"{t}\" lang=\"en\">{t} <span class=\"n\">{}</span></h3>\n<ul>\n",
            of_type.len()
        );
        for e in of_type {
            let ids: Vec<String> = e.mentions.iter().map(|i| format!("m{i}")).collect();
            // the id is Latin or a composed id of Arabic words: set in the text's font, as an
            // isolate, never in a monospace font (which would draw Arabic letters unjoined)
            let _ = writeln!(
                h,
                "<li><a class=\"ent {t}\" href=\"#{}\" data-entity=\"{}\" data-mentions=\"{}\">\
                 <span class=\"sw\"></span><span class=\"lbl\"><bdi class=\"nm\">{}</bdi> \
                 <bdi class=\"id\">{}</bdi></span><span class=\"pos\"></span>\
                 <span class=\"n\">{}</span></a></li>",
                ids[0],
                escape_attr(e.entity),
                ids.join(" "),
                escape_text(e.name),
                escape_text(e.entity),
                e.mentions.len()
            );
        }
        h.push_str("</ul>\n");
    }
    h.push_str("</aside>\n");
}

/// The index data of `docs`, whose pages are at `pages`: the documents (name, page, mention
/// counts, and their entities as `[entity index, mentions, first mention]`) and the entities
/// across them (id, type, name, mentions, documents, mentions per match kind, score range,
/// Wikidata and GeoNames ids when known), most mentioned first.
fn index_data(docs: &[&Annotated], pages: &[String]) -> serde_json::Value {
    use serde_json::json;
    use std::collections::HashMap;
    #[derive(Default)]
    struct Ent {
        kind: &'static str,
        name: String,
        mentions: usize,
        documents: usize,
        by_match: [usize; 5],
        score: Option<(f64, f64)>,
        wikidata: Option<serde_json::Value>,
        geonames: Option<serde_json::Value>,
    }
    let mut ents: Vec<(String, Ent)> = Vec::new();
    let mut slot: HashMap<(EntityType, String), usize> = HashMap::new();
    let mut rows = Vec::with_capacity(docs.len());
    for (doc, page) in docs.iter().zip(pages) {
        let mut list = Vec::new();
        for e in doc.entities() {
            let k = *slot
                .entry((e.kind, e.entity.to_owned()))
                .or_insert_with(|| {
                    ents.push((
                        e.entity.to_owned(),
                        Ent {
                            kind: e.kind.as_str(),
                            name: e.name.to_owned(),
                            ..Ent::default()
                        },
                    ));
                    ents.len() - 1
                });
            let ent = &mut ents[k].1;
            ent.mentions += e.mentions.len();
            ent.documents += 1;
            for &i in &e.mentions {
                let m = &doc.doc().mentions[i];
                let kind = if m.form == MentionKind::Demonym {
                    4
                } else {
                    match m.how {
                        MatchKind::Exact => 0,
                        MatchKind::Fuzzy => 1,
                        MatchKind::Alias => 2,
                        MatchKind::Composed => 3,
                    }
                };
                ent.by_match[kind] += 1;
                let extra = mention_json(m);
                if let Some(s) = extra.get("score").and_then(|s| s.as_f64()) {
                    let (lo, hi) = ent.score.unwrap_or((s, s));
                    ent.score = Some((lo.min(s), hi.max(s)));
                }
                for (key, field) in [
                    ("wikidata", &mut ent.wikidata),
                    ("geonames", &mut ent.geonames),
                ] {
                    if field.is_none() {
                        *field = extra.get(key).cloned();
                    }
                }
            }
            list.push(json!([k, e.mentions.len(), e.mentions[0]]));
        }
        let counts = doc.counts_by_type();
        rows.push(json!([
            doc.doc().document,
            page,
            doc.doc().mentions.len(),
            counts[0].1,
            counts[1].1,
            counts[2].1,
            list
        ]));
    }
    // most mentioned first; stable, so ties keep the order of first appearance
    let mut order: Vec<usize> = (0..ents.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(ents[k].1.mentions));
    let mut rank = vec![0; ents.len()];
    for (r, &k) in order.iter().enumerate() {
        rank[k] = r;
    }
    for row in &mut rows {
        for item in row[6].as_array_mut().into_iter().flatten() {
            let k = item[0].as_u64().unwrap_or(0) as usize;
            item[0] = rank[k].into();
        }
    }
    let entities: Vec<serde_json::Value> = order
        .iter()
        .map(|&k| {
            let (id, e) = &ents[k];
            let mut o = json!({
                "entity": id, "type": e.kind, "name": e.name, "mentions": e.mentions,
                "documents": e.documents,
                "match": {"exact": e.by_match[0], "fuzzy": e.by_match[1], "alias": e.by_match[2],
                          "composed": e.by_match[3], "demonym": e.by_match[4]},
            });
            let map = o.as_object_mut().expect("an object");
            if let Some((lo, hi)) = e.score {
                map.insert("score".into(), json!([lo, hi]));
            }
            if let Some(q) = &e.wikidata {
                map.insert("wikidata".into(), q.clone());
            }
            if let Some(g) = &e.geonames {
                map.insert("geonames".into(), g.clone());
            }
            o
        })
        .collect();
    json!({"documents": rows, "entities": entities})
}

/// The index page: the documents (link, mention counts by type, entities) and the entities
/// across them (type, count, documents, links to where they are mentioned), each list
/// searchable, filtered and paginated by the script (`index.js`), from a JSON copy of the
/// data in the page. `pages` are the `/`-separated page paths, in the order of `docs`; `run` is
/// the run id the pages keep their decisions under.
pub fn render_index(docs: &[&Annotated], pages: &[String], run: &str) -> String {
    let mut h = String::new();
    let title = format!(
        "gaztag review: {}",
        plural(docs.len(), "document", "documents")
    );
    head(&mut h, "index.html", &title, "ltr", "en");
    let total: usize = docs.iter().map(|d| d.doc().mentions.len()).sum();
    let _ = write!(
        h,
        "<body class=\"index\" data-run=\"{}\">\n<header class=\"top\">\n<h1>gaztag review</h1>\n\
         <p class=\"counts\">{}, {}</p>\n<div id=\"tools\" class=\"tools\"></div>\n</header>\n\
         <main id=\"lists\"><noscript><p>The lists of documents and entities are drawn by \
         the script in <code>{ASSETS}/index.js</code>: enable scripts, or open the documents' \
         pages directly.</p></noscript></main>\n\
         <script type=\"application/json\" id=\"gaztag-index\">",
        escape_attr(run),
        plural(docs.len(), "document", "documents"),
        plural(total, "mention", "mentions"),
    );
    h.push_str(&script_json(&index_data(docs, pages)));
    let _ = write!(
        h,
        "</script>\n<script src=\"{ASSETS}/review.js\"></script>\n\
         <script src=\"{ASSETS}/index.js\"></script>\n</body>\n</html>\n"
    );
    h
}

/// The run id of pages written into `out`: a hash of the folder's absolute path, so that the
/// decisions made on the pages of one output folder are kept apart from those of another, and
/// kept when the pages are written again into the same folder.
pub fn run_id(out: &Path) -> String {
    let abs = std::fs::canonicalize(out).unwrap_or_else(|_| out.to_owned());
    format!("{:08x}", crc32fast::hash(abs.to_string_lossy().as_bytes()))
}

/// Writes the page of every document into `out` (each at [`page_path`]), `index.html` when
/// there is more than one, and the shared files in [`ASSETS`], each file atomically. Returns
/// the paths written (the index last) and one error per document whose page could not be
/// placed or written; the others are written all the same.
pub fn write_pages(docs: &[Annotated], out: &Path) -> (Vec<PathBuf>, Vec<ReviewError>) {
    let mut errors = Vec::new();
    let mut placed: Vec<(&Annotated, String)> = Vec::new();
    let mut taken = std::collections::HashSet::new();
    for doc in docs {
        let name = &doc.doc().document;
        let invalid = |message: String| ReviewError::Invalid {
            annotations: doc.annotations().to_owned(),
            line: None,
            document: name.clone(),
            message,
        };
        match page_path(name) {
            Err(message) => errors.push(invalid(message)),
            Ok(p) => {
                let page = p.to_string_lossy().into_owned();
                if taken.insert(page.clone()) {
                    placed.push((doc, page));
                } else {
                    errors.push(invalid(
                        "a document of this name was already reviewed: its page is not written \
                         twice"
                            .into(),
                    ));
                }
            }
        }
    }
    let index = (placed.len() > 1).then(|| "index.html".to_owned());
    if index.as_ref().is_some_and(|i| taken.contains(i)) {
        // a document named `index` would be overwritten by the index: leave it out
        placed.retain(|(doc, page)| {
            let clash = page == "index.html";
            if clash {
                errors.push(ReviewError::Invalid {
                    annotations: doc.annotations().to_owned(),
                    line: None,
                    document: doc.doc().document.clone(),
                    message: "its page would be index.html, the index of the documents".into(),
                });
            }
            !clash
        });
    }
    let mut written = Vec::new();
    for (name, text) in ASSET_FILES {
        if let Err(e) = write_file(&out.join(ASSETS).join(name), text.as_bytes()) {
            // without them the pages do not look or work right: say so once, go on
            errors.push(ReviewError::Write(e));
        }
    }
    let run = run_id(out);
    let neighbour = |i: Option<usize>| {
        i.and_then(|i| placed.get(i))
            .map(|(d, p): &(&Annotated, String)| (p.clone(), d.doc().document.clone()))
    };
    for (i, (doc, page)) in placed.iter().enumerate() {
        let nav = Nav {
            page: page.clone(),
            index: index.clone(),
            prev: neighbour(i.checked_sub(1)),
            next: neighbour(Some(i + 1)),
            run: run.clone(),
        };
        let path = out.join(page);
        match write_file(&path, render_page(doc, &nav).as_bytes()) {
            Ok(()) => written.push(path),
            Err(e) => errors.push(ReviewError::Write(e)),
        }
    }
    if let Some(index) = index {
        let (docs, pages): (Vec<&Annotated>, Vec<String>) = placed.iter().cloned().unzip();
        let path = out.join(index);
        match write_file(&path, render_index(&docs, &pages, &run).as_bytes()) {
            Ok(()) => written.push(path),
            Err(e) => errors.push(ReviewError::Write(e)),
        }
    }
    (written, errors)
}

fn write_file(path: &Path, bytes: &[u8]) -> crate::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| crate::Error::io(dir, e))?;
    }
    crate::atomic::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{annotated, mention_at};
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            escape_text("<script>&amp;</script> \"'"),
            "&lt;script&gt;&amp;amp;&lt;/script&gt; \"'"
        );
        assert_eq!(escape_attr("a\"b'c<&>"), "a&quot;b&#39;c&lt;&amp;&gt;");
        assert_eq!(escape_text("x\0y"), "x\u{FFFD}y");
        assert_eq!(escape_text("قره باغ"), "قره باغ");
    }

    #[test]
    fn hrefs_are_percent_encoded_and_relative() {
        assert_eq!(href("a b/ق#?.txt.html"), "a%20b/%D9%82%23%3F.txt.html");
        assert_eq!(relative_href("x.html", "index.html"), "index.html");
        assert_eq!(
            relative_href("a/b/x.html", "index.html"),
            "../../index.html"
        );
        assert_eq!(relative_href("a/x.html", "b/y z.html"), "../b/y%20z.html");
    }

    #[test]
    fn unsafe_names_have_no_page() {
        for bad in ["", "/abs", "a/../b", "./a", "a//b", "a/", "..", "a\\b"] {
            assert!(page_path(bad).is_err(), "{bad:?}");
        }
        assert_eq!(page_path("a.txt").unwrap(), Path::new("a.txt.html"));
    }

    /// Text content of the `<main>` element, tags removed and entities decoded.
    fn main_text(html: &str) -> String {
        let main = &html[html.find("<main").unwrap()..html.find("</main>").unwrap()];
        let mut out = String::new();
        let mut in_tag = false;
        for c in main.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    #[test]
    fn page_marks_every_mention_escaped_one_paragraph_per_block() {
        let text = "قال <b>بوتين</b> & \"علييف\"\n\nفي بكاراباخ";
        let mut putin = mention_at(text, "بوتين", text.find("بوتين").unwrap());
        (putin.kind, putin.entity) = (EntityType::Per, "vladimir-putin".into());
        putin.name = "فلاديمير <بوتين>".into();
        let mut aliyev = mention_at(text, "علييف", text.find("علييف").unwrap());
        (aliyev.kind, aliyev.entity, aliyev.how) =
            (EntityType::Per, "ilham-aliyev".into(), MatchKind::Alias);
        let mut karabakh = mention_at(text, "كاراباخ", text.find("كاراباخ").unwrap());
        (karabakh.prefix, karabakh.how, karabakh.cost) = ("ب".into(), MatchKind::Fuzzy, Some(1));
        let doc = annotated(text, vec![putin, aliyev, karabakh]);
        let page = render_page(&doc, &Nav::default());

        assert!(page.starts_with("<!DOCTYPE html>\n<html dir=\"rtl\" lang=\"ar\">"));
        assert_eq!(page.matches("<mark class=\"m ").count(), 3);
        assert_eq!(main_text(&page).matches("<b>").count(), 1);
        assert!(page.contains(
            "قال &lt;b&gt;<mark class=\"m PER exact\" id=\"m0\" title=\"PER vladimir-putin\">"
        ));
        assert!(page.contains("<mark class=\"m PER alias\" id=\"m1\""));
        assert!(
            page.contains("في <span class=\"clitic\" title=\"clitic\">ب</span><mark class=\"m LOC fuzzy glued\" id=\"m2\"")
        );
        // two blocks, two paragraphs, each with its first character offset; the text reads back
        let main = &page[page.find("<main").unwrap()..page.find("</main>").unwrap()];
        assert_eq!(main.matches("<p data-s=").count(), 2);
        let second = text.find("في بكاراباخ").unwrap();
        assert!(main.contains(&format!(
            "<p data-s=\"{}\">",
            text[..second].chars().count()
        )));
        assert_eq!(main_text(&page).trim(), text.replace("\n\n", "\n"));
        // the details, as JSON the script reads; a `<` in a name cannot end the script element
        let json = &page[page.find("id=\"gaztag-mentions\">").unwrap()..];
        let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
        assert!(!json.contains('<'));
        let details: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(
            details["entities"],
            serde_json::json!([
                ["PER", "vladimir-putin", "فلاديمير <بوتين>"],
                ["PER", "ilham-aliyev", "علييف"],
                ["LOC", "e", "كاراباخ"]
            ])
        );
        let (s0, s2) = (
            text[..text.find("بوتين").unwrap()].chars().count(),
            text[..text.find("كاراباخ").unwrap()].chars().count(),
        );
        assert_eq!(
            details["mentions"][0],
            serde_json::json!([0, s0, s0 + 5, {"score": 1.0}])
        );
        assert_eq!(
            details["mentions"][1][3],
            serde_json::json!({"m": "alias", "score": 1.0})
        );
        assert_eq!(
            details["mentions"][2],
            serde_json::json!([2, s2, s2 + 7, {"m": "fuzzy", "p": "ب", "c": 1, "score": 1.0}])
        );
        // the side panel: both people, then the place; each entry links to its first mention
        let panel = &page[page.find("<aside").unwrap()..page.find("</aside>").unwrap()];
        let order: Vec<usize> = ["vladimir-putin", "ilham-aliyev", "data-entity=\"e\""]
            .iter()
            .map(|e| panel.find(e).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{panel}");
        assert!(panel.contains("href=\"#m2\" data-entity=\"e\" data-mentions=\"m2\""));
        // the shared style sheet and script, by relative links; nothing from the network
        assert!(page.contains("<link rel=\"stylesheet\" href=\"_gaztag/review.css\">"));
        assert!(page.contains("<script src=\"_gaztag/review.js\"></script>"));
        for external in ["http:", "https:", "@import", "url("] {
            assert!(!page.contains(external), "{external}");
        }
        assert!(!page.contains("monospace"));
    }

    #[test]
    fn mention_details_show_what_the_mention_has() {
        let text = "الأذربيجانية";
        let mut m = mention_at(text, "أذربيجانية", "ال".len());
        m.prefix = "ال".into();
        m.entity = "azerbaijan".into();
        m.form = MentionKind::Demonym;
        assert_eq!(
            mention_json(&m),
            serde_json::json!({"type": "LOC", "entity": "azerbaijan", "name": "أذربيجانية",
                "variant": "أذربيجانية", "match": "exact", "start": 2, "end": 12,
                "text": "أذربيجانية", "prefix": "ال", "form": "demonym", "score": 1.0})
        );
        let mut m = mention_at("باكو", "باكو", 0);
        (m.how, m.cost) = (MatchKind::Fuzzy, Some(2));
        m.candidates = ["e", "baku-2"]
            .iter()
            .map(|id| crate::annotation::Candidate {
                entity: (*id).into(),
                kind: EntityType::Loc,
                name: "باكو".into(),
                score: Default::default(),
                wikidata: None,
                geonames: None,
            })
            .collect();
        let j = mention_json(&m);
        assert_eq!(j["cost"], 2);
        assert_eq!(j["candidates"][1]["entity"], "baku-2");
        assert!(j.get("prefix").is_none() && j.get("form").is_none());
        assert_eq!(j["score"], 1.0);
    }

    #[test]
    fn navigation_links_are_relative_to_the_page() {
        let doc = annotated("باكو", vec![mention_at("باكو", "باكو", 0)]);
        let nav = Nav {
            page: "sub/b.txt.html".into(),
            index: Some("index.html".into()),
            prev: Some(("a.txt.html".into(), "a.txt".into())),
            next: None,
            run: "r".into(),
        };
        let page = render_page(&doc, &nav);
        assert!(
            page.contains("<a href=\"../a.txt.html\" title=\"a.txt\" rel=\"prev\">← previous</a>")
        );
        assert!(page.contains("href=\"../_gaztag/review.css\""));
        assert!(page.contains("data-index=\"../index.html\""));
        assert!(page.contains("<a href=\"../index.html\">all documents</a>"));
        assert!(page.contains("<span class=\"off\">next →</span>"));
    }

    #[test]
    fn index_lists_documents_and_entities_with_counts() {
        let t = "باكو باكو";
        let a = annotated(
            t,
            vec![
                mention_at(t, "باكو", 0),
                mention_at(t, "باكو", t.rfind("باكو").unwrap()),
            ],
        );
        let u = "موسكو باكو";
        let mut moscow = mention_at(u, "موسكو", 0);
        moscow.entity = "moscow".into();
        let b = annotated(
            u,
            vec![moscow, mention_at(u, "باكو", u.rfind("باكو").unwrap())],
        );
        let c = annotated("لا شيء", vec![]);
        let html = render_index(
            &[&a, &b, &c],
            &[
                "a b.txt.html".into(),
                "x/b.txt.html".into(),
                "c.html".into(),
            ],
            "r1",
        );
        assert!(html.contains("<body class=\"index\" data-run=\"r1\">"));
        assert!(html.contains("3 documents, 4 mentions"));
        assert!(html.contains("<script src=\"_gaztag/index.js\"></script>"));
        let json = &html[html.find("id=\"gaztag-index\">").unwrap()..];
        let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
        let data: serde_json::Value = serde_json::from_str(json).unwrap();
        // entities most mentioned first, with their documents
        assert_eq!(data["entities"][0]["entity"], "e");
        assert_eq!(data["entities"][0]["mentions"], 3);
        assert_eq!(data["entities"][0]["documents"], 2);
        assert_eq!(data["entities"][0]["match"]["exact"], 3);
        assert_eq!(data["entities"][1]["entity"], "moscow");
        // documents: name, page, mentions, PER, LOC, ORG, [entity, mentions, first mention]
        assert_eq!(
            data["documents"][0],
            serde_json::json!(["d.txt", "a b.txt.html", 2, 0, 2, 0, [[0, 2, 0]]])
        );
        assert_eq!(
            data["documents"][1][6],
            serde_json::json!([[1, 1, 0], [0, 1, 1]])
        );
        assert_eq!(data["documents"][2][6], serde_json::json!([]));
    }

    #[test]
    fn pages_are_written_with_an_index_and_bad_names_reported() {
        let dir = tempfile::tempdir().unwrap();
        let named = |name: &str| {
            let mut d = annotated("باكو", vec![mention_at("باكو", "باكو", 0)]);
            d.doc.document = name.into();
            d
        };
        let docs = [
            named("a.txt"),
            named("sub/b.txt"),
            named("../evil.txt"),
            named("a.txt"),
        ];
        let (written, errors) = write_pages(&docs, dir.path());
        let rel: Vec<_> = written
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().to_str().unwrap())
            .collect();
        assert_eq!(rel, ["a.txt.html", "sub/b.txt.html", "index.html"]);
        for asset in ["review.css", "review.js", "index.js"] {
            assert!(dir.path().join(ASSETS).join(asset).is_file(), "{asset}");
        }
        let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("document ../evil.txt: its name"));
        assert!(messages[1].contains("document a.txt: a document of this name was already"));
        assert!(!dir.path().parent().unwrap().join("evil.txt.html").exists());
        let b = std::fs::read_to_string(dir.path().join("sub/b.txt.html")).unwrap();
        assert!(b.contains("href=\"../index.html\""));
        assert!(b.contains("<script src=\"../_gaztag/review.js\">"));
        assert!(b.contains(&format!("data-run=\"{}\"", run_id(dir.path()))));

        // one document: no index
        let one = tempfile::tempdir().unwrap();
        let (written, errors) = write_pages(&docs[..1], one.path());
        assert!(errors.is_empty());
        assert_eq!(written, [one.path().join("a.txt.html")]);
    }
}
