//! Self-contained HTML pages: one per document, and an index when there are several.
//!
//! A page needs nothing but itself: the style sheet and the script are inline, and it fetches
//! nothing (no fonts, no scripts, no images), so it opens from a file, a mail attachment or an
//! archive years later. It is written `dir="rtl" lang="ar"`, one `<p>` per paragraph of the text
//! (see [`Annotated::paragraphs`]). Each mention is a
//! `<mark class="m TYPE MATCH" id="mN" data-…>` element: colored by type (PER blue, LOC green,
//! ORG orange), its border drawn by match kind (exact solid, fuzzy dashed, alias dotted,
//! composed double), slanted when it is a demonym. The clitic glued before a mention (the `ب` of
//! `بكاراباخ`) is set apart in a `<span class="clitic">`, and both sides are told to keep
//! joining, so the word still reads as one. Hovering or focusing a mention shows a tooltip with
//! its entity id, canonical name, matched variant, clitic, match kind, cost, form, other
//! candidate entities and character offsets. A legend explains the colors and borders; a side
//! panel lists the document's entities by type with their mention counts, and each entry jumps
//! to the entity's next mention (cycling through them all) and highlights every one of them.
//! A link to `PAGE#mN` opens the page at mention N.
//!
//! Without its script a page still reads: the marks keep their colors, a `title` gives the
//! tooltip, and the panel's entries link to the first mention.

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
}

const STYLE: &str = include_str!("review.css");
const SCRIPT: &str = include_str!("review.js");

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

/// The page of one document (see the module docs).
pub fn render_page(doc: &Annotated, nav: &Nav) -> String {
    let d = doc.doc();
    let name = escape_text(&d.document);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html dir=\"rtl\" lang=\"ar\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"gaztag {}\">\n\
         <title>{name} · gaztag review</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION")
    );

    // header: navigation, name, counts, legend
    h.push_str("<header class=\"top\" dir=\"ltr\" lang=\"en\">\n<nav>");
    let link = |h: &mut String, to: &Option<(String, String)>, label: &str| match to {
        Some((page, document)) => {
            let _ = write!(
                h,
                "<a href=\"{}\" title=\"{}\">{label}</a>",
                escape_attr(&relative_href(&nav.page, page)),
                escape_attr(document)
            );
        }
        None => {
            let _ = write!(h, "<span class=\"off\">{label}</span>");
        }
    };
    if nav.index.is_some() || nav.prev.is_some() || nav.next.is_some() {
        link(&mut h, &nav.prev, "← previous");
        if let Some(index) = &nav.index {
            let _ = write!(
                h,
                "<a href=\"{}\">all documents</a>",
                escape_attr(&relative_href(&nav.page, index))
            );
        }
        link(&mut h, &nav.next, "next →");
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
    h.push_str("</header>\n<div class=\"layout\">\n<main id=\"text\">\n");

    // the text
    for p in doc.paragraphs() {
        h.push_str("<p>");
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
                    mark(&mut h, *index, mention, doc.text());
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
        "</div>\n<div id=\"tip\" role=\"tooltip\" dir=\"ltr\" lang=\"en\" hidden></div>\n<script>\n",
    );
    h.push_str(SCRIPT);
    h.push_str("</script>\n</body>\n</html>\n");
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

/// The tooltip lines of a mention, as (label, value).
fn details(m: &Mention) -> Vec<(&'static str, String)> {
    let mut rows = vec![
        ("type", m.kind.as_str().to_owned()),
        ("entity", m.entity.clone()),
        ("name", m.name.clone()),
        ("variant", m.variant.clone()),
    ];
    if !m.prefix.is_empty() {
        rows.push(("clitic", m.prefix.clone()));
    }
    rows.push(("match", m.how.as_str().to_owned()));
    if let Some(cost) = m.cost {
        rows.push(("cost", cost.to_string()));
    }
    if m.form == MentionKind::Demonym {
        rows.push(("form", "demonym".to_owned()));
    }
    if m.candidates.len() > 1 {
        let others: Vec<String> = m
            .candidates
            .iter()
            .filter(|c| c.entity != m.entity || c.kind != m.kind)
            .map(|c| format!("{} {} ({})", c.kind, c.entity, c.name))
            .collect();
        rows.push(("also", others.join("; ")));
    }
    rows.push(("chars", format!("{}–{}", m.start, m.end)));
    rows
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
    let rows = details(m);
    let title: Vec<String> = rows.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    let _ = write!(
        h,
        "<mark class=\"{class}\" id=\"m{index}\" tabindex=\"0\" title=\"{}\"",
        escape_attr(&title.join("\n"))
    );
    for (k, v) in &rows {
        let _ = write!(h, " data-{k}=\"{}\"", escape_attr(v));
    }
    h.push('>');
    push_escaped(h, &m.text, false);
    h.push_str("</mark>");
}

fn panel(h: &mut String, doc: &Annotated) {
    let entities = doc.entities();
    let _ = write!(
        h,
        "<aside id=\"panel\">\n<h2 lang=\"en\">Entities <span class=\"n\">{}</span></h2>\n",
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
            let _ = writeln!(
                h,
                "<li><a class=\"ent {t}\" href=\"#{}\" data-entity=\"{}\" data-mentions=\"{}\">\
                 <span class=\"sw\"></span><span class=\"lbl\"><bdi class=\"nm\">{}</bdi> \
                 <bdi class=\"id\" dir=\"ltr\">{}</bdi></span><span class=\"pos\"></span>\
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

/// The index page: one row per document with its link, mention counts by type, and its most
/// mentioned entities. `pages` are the `/`-separated page paths, in the order of `docs`.
pub fn render_index(docs: &[&Annotated], pages: &[String]) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html dir=\"ltr\" lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"gaztag {}\">\n\
         <title>gaztag review: {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body class=\"index\">\n\
         <header class=\"top\">\n<h1>gaztag review</h1>\n",
        env!("CARGO_PKG_VERSION"),
        plural(docs.len(), "document", "documents")
    );
    let total: usize = docs.iter().map(|d| d.doc().mentions.len()).sum();
    let _ = writeln!(
        h,
        "<p class=\"counts\">{}, {}</p>\n</header>",
        plural(docs.len(), "document", "documents"),
        plural(total, "mention", "mentions")
    );
    h.push_str(
        "<table>\n<thead><tr><th>document</th><th>mentions</th><th class=\"PER\">PER</th>\
         <th class=\"LOC\">LOC</th><th class=\"ORG\">ORG</th><th>entities</th>\
         <th>most mentioned</th></tr></thead>\n<tbody>\n",
    );
    let mut sums = [0usize; 3];
    for (doc, page) in docs.iter().zip(pages) {
        let entities = doc.entities();
        let _ = write!(
            h,
            "<tr><td><a href=\"{}\">{}</a></td><td class=\"num\">{}</td>",
            escape_attr(&href(page)),
            escape_text(&doc.doc().document),
            doc.doc().mentions.len()
        );
        for (i, (_, n)) in doc.counts_by_type().iter().enumerate() {
            sums[i] += n;
            let _ = write!(h, "<td class=\"num\">{n}</td>");
        }
        let mut top: Vec<_> = entities.iter().collect();
        top.sort_by_key(|e| std::cmp::Reverse(e.mentions.len())); // stable: ties keep type order
        let top: Vec<String> = top
            .iter()
            .take(4)
            .map(|e| {
                format!(
                    "<span class=\"chip {}\"><bdi>{}</bdi> {}</span>",
                    e.kind,
                    escape_text(e.name),
                    e.mentions.len()
                )
            })
            .collect();
        let _ = writeln!(
            h,
            "<td class=\"num\">{}</td><td dir=\"rtl\" lang=\"ar\">{}</td></tr>",
            entities.len(),
            top.join(" ")
        );
    }
    let _ = writeln!(
        h,
        "</tbody>\n<tfoot><tr><th>total</th><td class=\"num\">{total}</td><td class=\"num\">{}</td>\
         <td class=\"num\">{}</td><td class=\"num\">{}</td><td></td><td></td></tr></tfoot>\n\
         </table>\n</body>\n</html>",
        sums[0], sums[1], sums[2]
    );
    h
}

/// Writes the page of every document into `out` (each at [`page_path`]), and `index.html` when
/// there is more than one, each file atomically. Returns the paths written (the index last)
/// and one error per document whose page could not be placed or written; the others are
/// written all the same.
pub fn write_pages(docs: &[Annotated], out: &Path) -> (Vec<PathBuf>, Vec<ReviewError>) {
    let mut errors = Vec::new();
    let mut placed: Vec<(&Annotated, String)> = Vec::new();
    let mut taken = std::collections::HashSet::new();
    for doc in docs {
        let name = &doc.doc().document;
        let invalid = |message: String| ReviewError::Invalid {
            annotations: doc.annotations().to_owned(),
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
                    document: doc.doc().document.clone(),
                    message: "its page would be index.html, the index of the documents".into(),
                });
            }
            !clash
        });
    }
    let mut written = Vec::new();
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
        match write_file(&path, render_index(&docs, &pages).as_bytes()) {
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
        assert!(page.contains("قال &lt;b&gt;<mark class=\"m PER exact\" id=\"m0\""));
        assert!(page.contains("data-name=\"فلاديمير &lt;بوتين&gt;\""));
        assert!(page.contains("<mark class=\"m PER alias\" id=\"m1\""));
        assert!(page.contains("data-match=\"alias\""));
        assert!(
            page.contains("في <span class=\"clitic\" title=\"clitic\">ب</span><mark class=\"m LOC fuzzy glued\" id=\"m2\"")
        );
        assert!(page.contains("data-cost=\"1\""));
        assert!(page.contains("title=\"type: LOC\nentity: e\nname: كاراباخ\nvariant: كاراباخ\nclitic: ب\nmatch: fuzzy\ncost: 1\nchars: "));
        // two blocks, two paragraphs; the text reads back exactly
        let main = &page[page.find("<main").unwrap()..page.find("</main>").unwrap()];
        assert_eq!(main.matches("<p>").count(), 2);
        assert_eq!(main_text(&page).trim(), text.replace("\n\n", "\n"));
        // the side panel: both people, then the place; each entry links to its first mention
        let panel = &page[page.find("<aside").unwrap()..page.find("</aside>").unwrap()];
        let order: Vec<usize> = ["vladimir-putin", "ilham-aliyev", "data-entity=\"e\""]
            .iter()
            .map(|e| panel.find(e).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{panel}");
        assert!(panel.contains("href=\"#m2\" data-entity=\"e\" data-mentions=\"m2\""));
        // self-contained
        for external in ["http:", "https:", "src=", "<link", "@import", "url("] {
            assert!(!page.contains(external), "{external}");
        }
    }

    #[test]
    fn tooltip_details_show_what_the_mention_has() {
        let text = "الأذربيجانية";
        let mut m = mention_at(text, "أذربيجانية", "ال".len());
        m.prefix = "ال".into();
        m.entity = "azerbaijan".into();
        m.form = MentionKind::Demonym;
        assert_eq!(
            details(&m),
            [
                ("type", "LOC".to_owned()),
                ("entity", "azerbaijan".into()),
                ("name", "أذربيجانية".into()),
                ("variant", "أذربيجانية".into()),
                ("clitic", "ال".into()),
                ("match", "exact".into()),
                ("form", "demonym".into()),
                ("chars", "2–12".into()),
            ]
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
        let rows = details(&m);
        assert!(rows.contains(&("cost", "2".into())));
        assert!(rows.contains(&("also", "LOC baku-2 (باكو)".into())));
        assert!(!rows.iter().any(|(k, _)| *k == "clitic" || *k == "form"));
    }

    #[test]
    fn navigation_links_are_relative_to_the_page() {
        let doc = annotated("باكو", vec![mention_at("باكو", "باكو", 0)]);
        let nav = Nav {
            page: "sub/b.txt.html".into(),
            index: Some("index.html".into()),
            prev: Some(("a.txt.html".into(), "a.txt".into())),
            next: None,
        };
        let page = render_page(&doc, &nav);
        assert!(page.contains("<a href=\"../a.txt.html\" title=\"a.txt\">← previous</a>"));
        assert!(page.contains("<a href=\"../index.html\">all documents</a>"));
        assert!(page.contains("<span class=\"off\">next →</span>"));
    }

    #[test]
    fn index_lists_documents_with_counts() {
        let a = annotated("باكو باكو", {
            let t = "باكو باكو";
            vec![
                mention_at(t, "باكو", 0),
                mention_at(t, "باكو", t.rfind("باكو").unwrap()),
            ]
        });
        let b = annotated("لا شيء", vec![]);
        let html = render_index(&[&a, &b], &["a b.txt.html".into(), "x/b.txt.html".into()]);
        assert!(html.contains("<a href=\"a%20b.txt.html\">d.txt</a></td><td class=\"num\">2</td><td class=\"num\">0</td><td class=\"num\">2</td><td class=\"num\">0</td><td class=\"num\">1</td>"), "{html}");
        assert!(html.contains("<a href=\"x/b.txt.html\">"));
        assert!(html.contains("<tfoot><tr><th>total</th><td class=\"num\">2</td>"));
        assert!(html.contains("2 documents, 2 mentions"));
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
        let messages: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("document ../evil.txt: its name"));
        assert!(messages[1].contains("document a.txt: a document of this name was already"));
        assert!(!dir.path().parent().unwrap().join("evil.txt.html").exists());
        let b = std::fs::read_to_string(dir.path().join("sub/b.txt.html")).unwrap();
        assert!(b.contains("href=\"../index.html\""));

        // one document: no index
        let one = tempfile::tempdir().unwrap();
        let (written, errors) = write_pages(&docs[..1], one.path());
        assert!(errors.is_empty());
        assert_eq!(written, [one.path().join("a.txt.html")]);
    }
}
