//! The text with its mentions marked, for a terminal or a pipe.
//!
//! [`Style::Plain`] writes each mention as `[TEXT]{TYPE:ENTITY}`, with `TEXT` exactly as in the
//! document and nothing else added: the output greps, diffs and round-trips (remove the markup
//! and each paragraph is the document's text), except for control characters other than tabs
//! and line ends (an escape character could drive the terminal the output lands on), which are
//! shown as `�`, in the text and in the labels alike. No bidi controls are added, so a terminal that
//! reorders right-to-left text shows it as it would show the document with the markup typed in.
//!
//! [`Style::Color`] is for a person at a terminal: each mention in its type's color (PER blue,
//! LOC green, ORG yellow), bold, underlined when fuzzy, italic when an alias, both when
//! composed, followed by a dim label `{TYPE:ENTITY}` (plus the match kind when it is not
//! exact). The label is left-to-right Latin text inside Arabic: it is wrapped in LEFT-TO-RIGHT
//! ISOLATE … POP DIRECTIONAL ISOLATE, so that a terminal applying the Unicode bidi algorithm
//! neither mirrors its braces nor pulls neighbouring digits or punctuation into it, and so that
//! each paragraph's direction is still decided by its own text (isolates are skipped when a
//! paragraph's direction is found). The mention itself is not isolated: it is part of the
//! sentence and flows with it as in the original. Control characters of the document (an
//! escape character could drive the terminal) are shown as `�` in this style.

use crate::annotation::{EntityType, MatchKind, Mention};

use super::{Annotated, Piece};

/// How to mark mentions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `[TEXT]{TYPE:ENTITY}`, the text unchanged: for pipes, files and `grep`.
    Plain,
    /// ANSI colors and styles, with bidi-isolated labels: for a terminal.
    Color,
}

const RESET: &str = "\x1b[0m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
/// LEFT-TO-RIGHT ISOLATE and POP DIRECTIONAL ISOLATE.
const LRI: char = '\u{2066}';
const PDI: char = '\u{2069}';

/// The SGR parameters of a mention: its type's color, and its match kind's style.
fn sgr(kind: EntityType, how: MatchKind) -> String {
    let color = match kind {
        EntityType::Per => "34",
        EntityType::Loc => "32",
        EntityType::Org => "33",
    };
    let style = match how {
        MatchKind::Exact => "1",
        MatchKind::Fuzzy => "1;4",
        MatchKind::Alias => "1;3",
        MatchKind::Composed => "1;3;4",
    };
    format!("\x1b[{style};{color}m")
}

/// The text of `doc`, one paragraph per block (blocks separated by a blank line), each mention
/// marked in `style`. Ends with a line break (or is empty for a document without text).
///
/// ```
/// use gaztag::review::{Annotated, terminal::{render, Style}};
/// let tagger = gaztag::Tagger::new(gaztag::Gazetteer::embedded());
/// let text = "قال بيسكوف إن 5 جنود قتلوا في قره باغ";
/// let doc = Annotated::new(
///     "d.json".into(), "d.txt".into(), tagger.annotate("d.txt", text), text.into(),
/// ).unwrap();
/// assert_eq!(
///     render(&doc, Style::Plain),
///     "قال [بيسكوف]{PER:dmitry-peskov} إن 5 جنود قتلوا في [قره باغ]{LOC:nagorno-karabakh}\n",
/// );
/// let colored = render(&doc, Style::Color);
/// assert!(colored.contains("\x1b[1;34mبيسكوف\x1b[0m\x1b[2m\u{2066}{PER:dmitry-peskov}\u{2069}\x1b[0m"));
/// ```
pub fn render(doc: &Annotated, style: Style) -> String {
    let mut out = String::new();
    for (i, p) in doc.paragraphs().iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for piece in &p.pieces {
            match (piece, style) {
                (Piece::Text(t), Style::Plain) => push_plain(&mut out, t),
                (Piece::Text(t), Style::Color) => push_safe(&mut out, t),
                (Piece::Mention { mention, .. }, Style::Plain) => {
                    out.push('[');
                    push_plain(&mut out, &mention.text);
                    out.push_str("]{");
                    out.push_str(mention.kind.as_str());
                    out.push(':');
                    push_plain(&mut out, &mention.entity);
                    out.push('}');
                }
                (Piece::Mention { mention, .. }, Style::Color) => push_colored(&mut out, mention),
            }
        }
        out.push('\n');
    }
    out
}

fn push_colored(out: &mut String, m: &Mention) {
    out.push_str(&sgr(m.kind, m.how));
    push_safe(out, &m.text);
    out.push_str(RESET);
    out.push_str(DIM);
    out.push(LRI);
    out.push('{');
    out.push_str(m.kind.as_str());
    out.push(':');
    push_safe(out, &m.entity);
    match (m.how, m.cost) {
        (MatchKind::Exact, _) => {}
        (how, Some(cost)) => out.push_str(&format!(" {} {cost}", how.as_str())),
        (how, None) => out.push_str(&format!(" {}", how.as_str())),
    }
    out.push('}');
    out.push(PDI);
    out.push_str(RESET);
}

/// Appends `s` with its control characters but tabs and line ends (`\n`, `\r`) shown as `�`.
fn push_plain(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// Appends `s` with its control characters made harmless: a CR LF or a lone CR becomes a line
/// feed, other controls (escape, backspace, …) become `�`.
fn push_safe(out: &mut String, s: &str) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// A line saying what the colors and styles of [`Style::Color`] mean, ending with a line
/// break.
pub fn legend() -> String {
    let mut out = String::new();
    for (kind, what) in [
        (EntityType::Per, "person"),
        (EntityType::Loc, "place"),
        (EntityType::Org, "organization"),
    ] {
        out.push_str(&format!(
            "{}{}{RESET} {what}  ",
            sgr(kind, MatchKind::Exact),
            kind.as_str()
        ));
    }
    out.push_str(" match:");
    for how in [
        MatchKind::Exact,
        MatchKind::Fuzzy,
        MatchKind::Alias,
        MatchKind::Composed,
    ] {
        let style = sgr(EntityType::Per, how).replace(";34m", "m");
        out.push_str(&format!(" {style}{}{RESET}", how.as_str()));
    }
    out.push('\n');
    out
}

/// The line that introduces a document when several are shown: `==> NAME <==` as `head` and
/// `tail` write it, with the mention counts after it in [`Style::Color`].
pub fn header(doc: &Annotated, style: Style) -> String {
    let name = &doc.doc().document;
    match style {
        Style::Plain => {
            let mut plain = String::new();
            push_plain(&mut plain, &name.replace(['\n', '\r', '\t'], "\u{FFFD}"));
            format!("==> {plain} <==\n")
        }
        Style::Color => {
            let mut safe = String::new();
            push_safe(&mut safe, name);
            let counts: Vec<String> = doc
                .counts_by_type()
                .iter()
                .map(|(t, n)| format!("{n} {t}"))
                .collect();
            let n = doc.doc().mentions.len();
            let s = if n == 1 { "" } else { "s" };
            format!(
                "{BOLD}==> {LRI}{safe}{PDI} <=={RESET} {DIM}{n} mention{s}: {}{RESET}\n",
                counts.join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{annotated, mention_at};
    use super::*;

    /// A document or an annotation carrying escape sequences could drive the terminal that
    /// `review --plain` prints on (clear it, set its title, fake a prompt).
    #[test]
    fn plain_markup_carries_no_control_characters() {
        let text = "قال \u{1b}[2J\u{1b}]0;x\u{7} بوتين\tفي\r\nموسكو";
        let mut m = mention_at(text, "بوتين", text.find("بوتين").unwrap());
        m.entity = "putin\u{1b}[8m".into();
        let got = render(&annotated(text, vec![m]), Style::Plain);
        assert!(
            !got.chars().any(|c| c.is_control() && !"\n\r\t".contains(c)),
            "{got:?}"
        );
        assert!(got.contains("[بوتين]{LOC:putin\u{FFFD}[8m}\tفي"), "{got:?}");
    }

    #[test]
    fn plain_markup_is_the_text_with_brackets_added() {
        let text = "وصل <بوتين> & علييف إلى باكو.\n\nوفي موسكو";
        let mut ms = Vec::new();
        for (word, entity) in [
            ("بوتين", "putin"),
            ("علييف", "aliyev"),
            ("باكو", "baku"),
            ("موسكو", "moscow"),
        ] {
            let mut m = mention_at(text, word, text.find(word).unwrap());
            m.entity = entity.into();
            ms.push(m);
        }
        ms[0].kind = EntityType::Per;
        ms[1].kind = EntityType::Per;
        let doc = annotated(text, ms);
        let got = render(&doc, Style::Plain);
        assert_eq!(
            got,
            "وصل <[بوتين]{PER:putin}> & [علييف]{PER:aliyev} إلى [باكو]{LOC:baku}.\n\n\
             وفي [موسكو]{LOC:moscow}\n"
        );
        // no escapes, no bidi controls
        assert!(
            !got.chars()
                .any(|c| c == '\x1b' || ('\u{2066}'..='\u{2069}').contains(&c))
        );
    }

    #[test]
    fn plain_keeps_a_mention_across_a_line_break_exact() {
        let text = "في ناغورني\nكاراباخ اليوم";
        let m = mention_at(text, "ناغورني\nكاراباخ", "في ".len());
        assert_eq!(
            render(&annotated(text, vec![m]), Style::Plain),
            "في [ناغورني\nكاراباخ]{LOC:e} اليوم\n"
        );
    }

    #[test]
    fn color_marks_type_and_kind_and_isolates_the_label() {
        let text = "كيلوغ في باكو 2023 \x1b[31m";
        let mut fuzzy = mention_at(text, "كيلوغ", 0);
        (fuzzy.kind, fuzzy.entity, fuzzy.how, fuzzy.cost) =
            (EntityType::Per, "kellogg".into(), MatchKind::Fuzzy, Some(1));
        let baku = mention_at(text, "باكو", text.find("باكو").unwrap());
        let got = render(&annotated(text, vec![fuzzy, baku]), Style::Color);
        assert_eq!(
            got,
            "\x1b[1;4;34mكيلوغ\x1b[0m\x1b[2m\u{2066}{PER:kellogg fuzzy 1}\u{2069}\x1b[0m في \
             \x1b[1;32mباكو\x1b[0m\x1b[2m\u{2066}{LOC:e}\u{2069}\x1b[0m 2023 \u{FFFD}[31m\n"
        );
    }

    #[test]
    fn control_characters_are_defused_in_color() {
        let mut s = String::new();
        push_safe(&mut s, "a\r\nb\rc\x08d\te\u{85}");
        assert_eq!(s, "a\nb\nc\u{FFFD}d\te\u{FFFD}");
    }

    #[test]
    fn legend_and_header() {
        let l = legend();
        for word in ["PER", "LOC", "ORG", "exact", "fuzzy", "alias", "composed"] {
            assert!(l.contains(word), "{l}");
        }
        assert!(l.contains("\x1b[1;4mfuzzy\x1b[0m"), "{l}");
        let doc = annotated("باكو", vec![mention_at("باكو", "باكو", 0)]);
        assert_eq!(header(&doc, Style::Plain), "==> d.txt <==\n");
        assert!(header(&doc, Style::Color).contains("1 mention: 0 PER, 1 LOC, 0 ORG"));
    }
}
