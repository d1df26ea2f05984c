//! Person names beyond the gazetteer: the name rules (composition) and document-level aliases.
//!
//! The tagger runs these at word starts where no gazetteer name begins, and where a gazetteer
//! person begins (a longer composed name wins over it: a given name that is also a one-word
//! person, then a surname), left to right, so that "earlier in the document" means what it
//! says. The rules never walk the gazetteer: what gazetteer name starts at a word ahead comes
//! from the tagger's lattice, walked once per word start.
//!
//! # Composition (`"match": "composed"`, [`crate::TaggerBuilder::compose`])
//!
//! A person name that no gazetteer lists is put together from the words around it:
//!
//! 1. a **title** (`titles.txt`: الرئيس, رئيس الوزراء, وزير الخارجية, المتحدث باسم …), then
//!    up to two adjectives (a demonym of a gazetteer place, another `ال…ي` adjective of
//!    nationality, or an office adjective: السابق, الجديد …), then one to four **name-like
//!    words**: the name-like words are the mention (`الرئيس الأذربيجاني [إلهام علييف]`);
//! 2. a **given name** (`given-names.txt`, one or two words: محمد, عبد الله, فلاديمير), then
//!    one or two name-like words: all of them are the mention (`[نيكول باشينيان]`). After an
//!    Arabic given name the next word must be known as a name (a surname of `surnames.txt`, a
//!    given name, a name part, a connector, a gazetteer person), since many given names are
//!    everyday words too (نجم السينما); a given name of another language
//!    (`foreign-given-names.txt`) needs no such evidence;
//! 3. a run of two or more words each a **known name part** (`name-parts.txt`, which
//!    `gazetteer import` derives from annotated data).
//!
//! A word is *name-like* when it is written in Arabic letters (two or more), is not a function
//! word, not a common word (`common-words.txt`) with or without a proclitic, not a title, not
//! a demonym (after a name word, one without the article is a surname: جون كندي), not shaped
//! like a verb (يبحث, أحرز, ارتكب, استقبل, لايؤمن, فاحتسب), not a role noun (مساعد, القائم),
//! and does not start a gazetteer name of a place or an organization. After a connector (بن,
//! أبو, آل, عبد) any word that is not a function word or a verb is the name (بن سلطان). After
//! a title and a lone given name, a common word is the surname (الشيخ محمد عبده), and so is
//! the one-word name of a small place (العقيد جون باراديس). A name word and الله after it
//! are one name (حسب الله). No rule starts after a noun of an institution, a prize or a place,
//! or after a title after one: كأس الشيخ جاسم, مستشفى الملك فيصل name things. A gazetteer
//! person name counts as name-like, and a composed name that ends with one is reported as that
//! person. Any other composed name gets an id derived from its folded text (`composed:` +
//! the folded words joined by `_`).
//!
//! # Aliases (`"match": "alias"`, [`crate::TaggerBuilder::aliases`])
//!
//! Once a person name of two or more words has been found (listed or composed), later in the
//! same document its last word, and, for names of three words or more, its first and last
//! words, name the same person. Proclitics are handled as for names (`وباشينيان`). An alias
//! is never a common word, a function word, a word of under three letters, or a key of another
//! gazetteer entity. The short forms a gazetteer entity declares (`short=`, as `الحلف` for
//! `حلف شمال الأطلسي`) work the same way: they match only after the entity's full name.

use std::collections::HashMap;

use crate::annotation::{MatchKind, Mention, MentionKind, Score};
use crate::gazetteer::format::{WORD_FOREIGN_GIVEN, WORD_GIVEN, WORD_TITLE};
use crate::gazetteer::{EntityType, Gazetteer, NameWord, light_form};
use crate::normalize::Normalized;
use crate::segment::{self, Word};
use crate::starts::Starts;
use fst::raw::{Fst, Node, Output};

/// Most words a title may have.
const MAX_TITLE_WORDS: usize = 4;
/// Most name-like words after a title.
const MAX_AFTER_TITLE: usize = 4;
/// Most name-like words after a given name.
const MAX_AFTER_GIVEN: usize = 2;
/// Most inhabitants (the gazetteer's `weight=`) of a place whose one-word name, after a
/// title and a lone given name, is taken as the surname instead (جون [باراديس]); a place
/// without a weight (1) is not known to be small.
const SMALL_PLACE: u64 = 100_000;
/// Fewest letters of an alias.
const MIN_ALIAS_LETTERS: usize = 3;

/// Function words (folded) that are never part of a name, whatever the word lists say.
const FUNCTION_WORDS: &[&str] = &[
    "في",
    "من",
    "الي",
    "علي",
    "عن",
    "مع",
    "ان",
    "او",
    "ام",
    "ثم",
    "لا",
    "لم",
    "لن",
    "ما",
    "قد",
    "كان",
    "كانت",
    "هو",
    "هي",
    "هم",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "الذي",
    "التي",
    "الذين",
    "بين",
    "بعد",
    "قبل",
    "عقب",
    "اثر",
    "عبر",
    "نحو",
    "جراء",
    "طوال",
    "نفسه",
    "نفسها",
    "ذاته",
    "ذاتها",
    "حتي",
    "عند",
    "منذ",
    "خلال",
    "حول",
    "ضد",
    "دون",
    "غير",
    "كل",
    "بعض",
    "اي",
    "انه",
    "انها",
    "لكن",
    "الا",
    "بل",
    "اذا",
    "اذ",
    "حيث",
    "كما",
    "ايضا",
    "وقال",
    "قال",
    "قالت",
    "اكد",
    "اعلن",
    "امس",
    "اليوم",
    "الان",
    "يوم",
    "عام",
    "انا",
    "نحن",
    "هنا",
    "هناك",
    "لدي",
    "لقد",
    "سوف",
    "ليس",
    "عليه",
    "عليها",
    "الي",
    "فيه",
    "فيها",
    "منه",
    "منها",
    "له",
    "لها",
    "به",
    "بها",
    "وفي",
    "ومن",
    "والي",
    "وعلي",
    "وعن",
    "ابن",
    "بن",
    "بنت",
    "ابو",
    "ام",
    "ال",
];

/// Words that join the parts of a name (folded): بن, ابن, بنت, أبو, آل, عبد.
const CONNECTORS: &[&str] = &["بن", "ابن", "بنت", "ابو", "ال", "عبد"];

/// Adjectives of office that may follow a title before the name.
const OFFICE_ADJECTIVES: &[&str] = &[
    "السابق",
    "السابقه",
    "الاسبق",
    "الجديد",
    "الجديده",
    "الحالي",
    "الحاليه",
    "المنتخب",
    "المنتهيه",
    "المؤقت",
    "المؤقته",
    "الاول",
    "الاولي",
    "الفخري",
    "العام",
    "الاعلي",
    "المستقيل",
    "المكلف",
    "بالوكاله",
    "بالنيابه",
];

/// Nouns (folded, without the article) of roles and offices that follow a name in news
/// (`[ألكسندر سلطانوف] نائب وزير`, `[أسامة المليجي] عضو المجلس`): never part of a name.
const ROLE_NOUNS: &[&str] = &[
    "نايب",
    "مدير",
    "عضو",
    "عضوي",
    "مدرب",
    "زعيم",
    "باحث",
    "مفاوض",
    "رييس",
    "وزير",
    "سفير",
    "امين",
    "قايد",
    "قايم",
    "مساعد",
    "مستشار",
    "مندوب",
    "مصنف",
    "حاصل",
    "لاعب",
    "نجم",
    "مدافع",
    "حارس",
    "مهاجم",
    "كاتب",
    "شاعر",
    "مولف",
    "مخرج",
    "ممثل",
    "مراسل",
    "مسوول",
    "متحدث",
    "عميد",
    "محافظ",
    "قاضي",
    "مقابل",
    "مشروع",
    "اداري",
    "خبير",
    "مبعوث",
    "ناطق",
    "مرشح",
    "نجل",
    "شقيق",
    "زوج",
    "زوجه",
    "ابنه",
    "والد",
    "عالم",
    "صاحب",
    "مولد",
    "رجل",
    "طبيب",
    "مهندس",
    "استاذ",
    "ملك",
    "خريج",
];

/// Nouns (folded) that name a thing after a person (كأس الشيخ جاسم, مستشفى الملك فيصل, جامعة
/// محمد الخامس, شارع …): a title or a given name after one starts the name of the thing.
const INSTITUTION_NOUNS: &[&str] = &[
    "كاس",
    "جايزه",
    "بطوله",
    "دوره",
    "مستشفي",
    "جامعه",
    "كليه",
    "معهد",
    "مدرسه",
    "مسجد",
    "جامع",
    "شارع",
    "ميدان",
    "ساحه",
    "مدينه",
    "مطار",
    "ميناء",
    "مركز",
    "موسسه",
    "جمعيه",
    "مكتبه",
    "قاعه",
    "ملعب",
    "استاد",
    "قصر",
    "جسر",
    "حديقه",
    "مجمع",
    "قاعده",
    "صندوق",
    "برج",
    "سد",
];

/// Which composition rules run (module docs, rules 1–3): [`crate::TaggerBuilder::compose_rules`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComposeRules {
    /// 1. a title, then name-like words.
    pub titles: bool,
    /// 2. a given name, then name-like words.
    pub given: bool,
    /// 3. a run of known name parts.
    pub parts: bool,
}

impl ComposeRules {
    /// All three rules on.
    pub fn all() -> ComposeRules {
        ComposeRules {
            titles: true,
            given: true,
            parts: true,
        }
    }
}

impl Default for ComposeRules {
    /// `titles` and `given`: on news no one here wrote they are right more than 75% of the
    /// time, `parts` not yet (docs/accuracy.md, "Name rules"), so it is opt-in.
    fn default() -> ComposeRules {
        ComposeRules {
            titles: true,
            given: true,
            parts: false,
        }
    }
}

/// A word of the text, as the name rules see it.
struct Token<'t> {
    /// Folded text of the word.
    folded: &'t str,
    /// Original byte range.
    orig: (usize, usize),
}

/// What a later alias names.
#[derive(Clone, Debug)]
struct Target {
    entity: String,
    name: String,
    variant: String,
    wikidata: Option<String>,
    geonames: Option<String>,
}

/// The name rules' view of one document, and what it has learned so far.
pub(crate) struct Names<'a> {
    layers: &'a [Gazetteer],
    text: &'a str,
    t: &'a str,
    norm: &'a Normalized,
    words: &'a [Word],
    /// Folded alias key (one or two words) → the person it names.
    aliases: HashMap<String, Target>,
    /// First words of the two-word aliases (the full key is built only after one).
    alias_firsts: std::collections::HashSet<String>,
    /// A 256-bit filter of the first words of every alias key ([`first_word_bit`]): a word
    /// whose bit is not set starts no alias, without hashing it into the maps.
    alias_filter: [u64; 4],
    /// The first letters of each layer's name-word lists.
    word_starts: &'a [Starts],
    /// Per word, what [`Names::title_at`] found there (it depends on the word only, and the
    /// rules ask it of the same words again and again): [`TITLE_UNKNOWN`] until asked,
    /// [`TITLE_NONE`] for no title, else the index of the word after the title.
    titles: std::cell::RefCell<Vec<u32>>,
    /// Per word, what [`Names::could_start_list_entry`] found: 0 not asked yet, 1 no, 2 yes.
    list_starts: std::cell::RefCell<Vec<u8>>,
    /// Per word, its original byte range ([`Names::token`]), or [`ORIGIN_UNKNOWN`].
    origins: std::cell::RefCell<Vec<(u32, u32)>>,
    /// The tagger's id, for its per-thread memory (`memo.rs`): common-word answers and list
    /// starts, which depend on the word and the layers only.
    tagger: u64,
    /// Which composition rules run.
    pub(crate) rules: ComposeRules,
    /// Each layer's first words of titles ([`title_firsts`]); empty: not known, no shortcut.
    pub(crate) title_firsts: &'a [TitleFirsts],
}

/// Not asked yet (see `Names::titles`).
const TITLE_UNKNOWN: u32 = u32::MAX;
/// No title starts there (see `Names::titles`).
const TITLE_NONE: u32 = u32::MAX - 1;
/// Not asked yet (see `Names::origins`); offsets fit in 32 bits (documents are under 2 GiB).
const ORIGIN_UNKNOWN: (u32, u32) = (u32::MAX, u32::MAX);

/// The gazetteer name that starts at a word, as the name rules need to know it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ExactAt<'g> {
    /// Its type.
    pub kind: EntityType,
    /// Its entity, as its gazetteer stores it.
    pub entity: crate::gazetteer::EntityRef<'g>,
    /// Index of the word it ends in.
    pub end_word: usize,
}

/// A gazetteer person a composed name ends with: id, canonical name, knowledge-base ids.
type Person = (String, String, (Option<String>, Option<String>));

/// A mention the rules found: which words, after which clitic.
pub(crate) struct Found {
    /// The mention.
    pub mention: Mention,
    /// Index of its last word.
    pub end_word: usize,
}

impl<'a> Names<'a> {
    pub(crate) fn new(
        tagger: u64,
        layers: &'a [Gazetteer],
        word_starts: &'a [Starts],
        text: &'a str,
        norm: &'a Normalized,
        words: &'a [Word],
    ) -> Names<'a> {
        Names {
            layers,
            text,
            t: norm.as_str(),
            norm,
            words,
            aliases: HashMap::new(),
            alias_firsts: Default::default(),
            alias_filter: [0; 4],
            word_starts,
            titles: std::cell::RefCell::new(vec![TITLE_UNKNOWN; words.len()]),
            list_starts: std::cell::RefCell::new(vec![0; words.len()]),
            origins: std::cell::RefCell::new(vec![ORIGIN_UNKNOWN; words.len()]),
            tagger,
            rules: ComposeRules::default(),
            title_firsts: &[],
        }
    }

    fn token(&self, k: usize) -> Token<'a> {
        let w = self.words[k];
        // the original range is asked of the same words again and again: found once
        let known = self.origins.borrow()[k];
        let orig = if known == ORIGIN_UNKNOWN {
            let orig = (
                self.norm.origin(w.start),
                crate::tagger::original_end(self.text, self.norm, w.end),
            );
            self.origins.borrow_mut()[k] = (orig.0 as u32, orig.1 as u32);
            orig
        } else {
            (known.0 as usize, known.1 as usize)
        };
        Token {
            folded: &self.t[w.start..w.end],
            orig,
        }
    }

    fn name_word(&self, key: &str) -> NameWord {
        let mut w = NameWord::default();
        for g in self.layers {
            let n = g.name_word(key);
            w.given |= n.given;
            w.part |= n.part;
            w.title |= n.title;
            w.surname |= n.surname;
            w.foreign |= n.foreign;
        }
        w
    }

    fn is_common(&self, light: &str) -> bool {
        crate::tagger::memo::is_common(self.tagger, light, || {
            self.layers.iter().any(|g| g.is_common(light))
        })
    }

    fn is_function(folded: &str) -> bool {
        FUNCTION_WORDS.contains(&folded)
    }

    /// Is `key` a gazetteer key of an entity other than `entity` (or of any, for `None`)?
    fn other_entity_key(&self, key: &str, entity: Option<&str>) -> bool {
        self.key_of_entity(key, |e| Some(e.id) != entity)
    }

    /// Is `key` a gazetteer key (not a short form) of an entity that `keep` accepts?
    fn key_of_entity(
        &self,
        key: &str,
        keep: impl Fn(&crate::gazetteer::EntityRef) -> bool,
    ) -> bool {
        self.layers.iter().any(|g| {
            g.names().get(key).is_some_and(|v| {
                g.postings(v)
                    .any(|var| !var.short && g.entity(var.entity).is_some_and(|e| keep(&e)))
            })
        })
    }

    /// Is `key` a demonym (adjective) of a gazetteer place?
    fn is_demonym(&self, key: &str) -> bool {
        self.layers.iter().any(|g| {
            g.names()
                .get(key)
                .is_some_and(|v| g.postings(v).any(|var| var.demonym))
        })
    }

    /// Readings of word `k` that a name may start with: the whole word, then after each
    /// proclitic that leaves the name's own letters (و ف ب ل ك and pairs, لل with its ال
    /// restored), never after a bare article. Yields (folded bytes stripped, letters
    /// restored, rest of the word): the reading's key is the last two joined ([`key`]).
    fn readings(&self, k: usize) -> impl Iterator<Item = (usize, &'static str, &'a str)> + 'a {
        let word: &'a str = &self.t[self.words[k].start..self.words[k].end];
        std::iter::once((0, "", word)).chain(
            segment::clitics_of(word)
                .filter(|c| !c.strips_article())
                .map(move |c| (c.strip.len(), c.restore, &word[c.strip.len()..])),
        )
    }

    /// Does some entry of the name rules' lists (a title, a given name, a name part) start
    /// with a reading of word `k`? Walks the lists' fsts without allocating: most words fail
    /// at once, so the rules cost next to nothing where no list entry can start.
    fn could_start_list_entry(&self, k: usize) -> bool {
        let known = self.list_starts.borrow()[k];
        if known != 0 {
            return known == 2;
        }
        let word = &self.t[self.words[k].start..self.words[k].end];
        let yes = crate::tagger::memo::list_start(self.tagger, word, || {
            self.readings(k).any(|(_, restore, rest)| {
                self.layers
                    .iter()
                    .zip(self.word_starts)
                    .any(|(g, starts)| starts.has_prefix(g.name_words().as_fst(), restore, rest))
            })
        });
        self.list_starts.borrow_mut()[k] = if yes { 2 } else { 1 };
        yes
    }

    /// Is a reading of word `k` the first word of a title of some layer? `true` when the
    /// first words are not known. [`Names::title_at`] finds a title only where this is true:
    /// a title's key is its folded words joined by spaces, and a reading holds no space.
    fn could_start_title(&self, k: usize) -> bool {
        if self.title_firsts.len() != self.layers.len() {
            return true;
        }
        let word = &self.t[self.words[k].start..self.words[k].end];
        let Some(bit) = tail_bit(word) else {
            return false;
        };
        let layers = || {
            self.title_firsts
                .iter()
                .filter(move |f| f.tails[bit / 64] & (1 << (bit % 64)) != 0)
        };
        if layers().next().is_none() {
            return false;
        }
        // the walks depend on the word only: remembered per thread
        crate::tagger::memo::title_start(self.tagger, word, || {
            self.readings(k).any(|(_, restore, rest)| {
                layers().any(|f| {
                    let fst = f.set.as_fst();
                    f.starts.has_prefix(fst, restore, rest)
                        && feed(fst, (fst.root(), Output::zero()), restore)
                            .and_then(|at| feed(fst, at, rest))
                            .is_some_and(|(node, _)| node.is_final())
                })
            })
        })
    }

    /// Could word `k` be part of a person name (module docs)? `exact` says what gazetteer
    /// name, if any, starts there; `after_name` that a name word comes before it, where a
    /// demonym without the article is a surname (جون كندي: an adjective after a name would
    /// take the article).
    fn name_like(&self, k: usize, exact: Option<EntityType>, after_name: bool) -> bool {
        if exact.is_none() && self.written_function(k) {
            return false;
        }
        match exact {
            Some(EntityType::Per) => return true,
            Some(_) => return false,
            None => {}
        }
        let tok = self.token(k);
        let letters = tok.folded.chars().count();
        if letters < 2 || !tok.folded.chars().all(is_arabic_letter) {
            return false;
        }
        let written = &self.text[tok.orig.0..tok.orig.1];
        // the accusative ending (مرسوماً) and nunation mark a common noun, never a name
        if written.contains(['\u{064B}', '\u{064C}', '\u{064D}']) {
            return false;
        }
        let light = crate::tagger::light(written);
        if self.is_common(&light) {
            return false;
        }
        let nw = self.name_word(tok.folded);
        if nw.given || nw.part {
            return true;
        }
        if nw.title
            || Self::is_function(tok.folded)
            || (self.is_demonym(tok.folded) && (!after_name || tok.folded.starts_with("ال")))
            || self.title_at(k).is_some()
        {
            return false;
        }
        // a common word behind a proclitic (وقال, بالأمس) is no name either, and a name
        // behind one (وهشام) starts another person
        for (strip, restore, rest) in self.readings(k).skip(1) {
            let key = key(restore, rest);
            let nw = self.name_word(&key);
            if nw.given || nw.part {
                return false;
            }
            let rest_light = crate::tagger::light(
                &self.text[self.norm.origin(self.words[k].start + strip)..tok.orig.1],
            );
            if Self::is_function(&key) || self.is_common(&rest_light) {
                return false;
            }
        }
        true
    }

    /// Does word `k`, not a known name word, have the shape of a verb ([`verb_shape`])? A
    /// title is far more often followed by its verb (الرئيس يبحث) than by an unknown name
    /// spelled so.
    fn looks_like_verb(&self, k: usize) -> bool {
        let w = self.token(k).folded;
        let nw = self.name_word(w);
        !(nw.given || nw.part) && verb_shape(w)
    }

    /// Tries the name rules at word `k` (from its start); `exact(j)` tells the type of the
    /// gazetteer name starting at word `j`, if any.
    pub(crate) fn compose(
        &mut self,
        k: usize,
        exact: &dyn Fn(usize) -> Option<ExactAt<'a>>,
    ) -> Option<Found> {
        // every rule starts with an entry of the lists: a title, a given name, a name part;
        // with the title rule alone (the default), a reading of the word must be the first
        // word of a title, a test that most words fail at their first letter or two
        if !self.rules.given && !self.rules.parts && !self.could_start_title(k) {
            return None;
        }
        if !self.could_start_list_entry(k) {
            return None;
        }
        let title = self.title_at(k).filter(|_| self.rules.titles);
        if (title.is_none() && !self.rules.given && !self.rules.parts) || self.names_a_thing(k) {
            return None;
        }
        // 1. a title, adjectives, then name-like words
        if let Some(after) = title {
            let mut j = after;
            let mut adjectives = 0;
            while j < self.words.len() && adjectives < 2 && self.words[j - 1].joins_next {
                let w = self.token(j).folded;
                if self.is_demonym(w)
                    || OFFICE_ADJECTIVES.contains(&w)
                    || (w.starts_with("ال")
                        && (w.ends_with('ي') || w.ends_with('ه'))
                        && exact(j).is_none()
                        && !self.name_word(w).given
                        && !self.name_word(w).part
                        && w.chars().count() >= 5)
                {
                    j += 1;
                    adjectives += 1;
                } else {
                    break;
                }
            }
            if j < self.words.len()
                && self.words[j - 1].joins_next
                && exact(j).is_none()
                && let Some(found) = self.run_from(j, 0, 0, MAX_AFTER_TITLE, exact)
                && (found.end_word > j || exact(j).is_some() || self.known_name_word(j))
                && (self.known_name_word(j) || !self.token(j).folded.starts_with("ال"))
            {
                // a lone word after a title is a name only when the lists know it
                // (الرئيس [الخاص], اللاعب [طعن] are not)
                return Some(found);
            }
        }
        // 2. a given name (one or two words), then one or two name-like words
        let tok = self.token(k);
        let written = crate::tagger::light(&self.text[tok.orig.0..tok.orig.1]);
        let given_on = self.rules.given;
        for (strip, restore, rest) in self.readings(k).filter(|_| given_on) {
            let key = key(restore, rest);
            if self.is_common(&written) || (strip == 0 && Self::is_function(&key)) {
                break;
            }
            // one walk per layer through the reading, then on through the next word: a
            // two-word given name first, then a one-word one (as `name_word` of each key)
            let next = (self.words[k].joins_next && k + 1 < self.words.len())
                .then(|| self.token(k + 1).folded);
            // the list flags of the one-word and the two-word key, over the layers
            let (mut one, mut two) = (0, 0);
            for g in self.layers {
                let fst = g.name_words().as_fst();
                let flags = |(node, out): (Node<'_>, Output)| {
                    if node.is_final() {
                        out.cat(node.final_output()).value()
                    } else {
                        0
                    }
                };
                let Some(at) = feed(fst, (fst.root(), Output::zero()), restore)
                    .and_then(|at| feed(fst, at, rest))
                else {
                    continue;
                };
                one |= flags(at);
                two |= next
                    .and_then(|n| feed(fst, at, " ").and_then(|at| feed(fst, at, n)))
                    .map_or(0, flags);
            }
            let (given_words, flags) = if two & WORD_GIVEN != 0 {
                (2, two)
            } else if one & WORD_GIVEN != 0 {
                (1, one)
            } else {
                continue;
            };
            let first_after = k + given_words;
            let foreign = flags & WORD_FOREIGN_GIVEN != 0;
            if first_after < self.words.len()
                && self.words[first_after - 1].joins_next
                && let more = self.after_given(foreign, first_after, exact)
                && more > 0
                && let Some(found) = self.run_from(k, strip, given_words, more, exact)
            {
                return Some(found);
            }
        }
        // 3. a run of known name parts
        let is_part = |j: usize| {
            let nw = self.name_word(self.token(j).folded);
            (nw.part || nw.given) && !self.written_function(j)
        };
        // a run of parts starts with no article unless with a given name (الحسن): an article
        // word there is an adjective or a noun (الأخضر الساخن, المجلس التشريعي)
        let first = self.token(k).folded;
        if self.rules.parts
            && is_part(k)
            && exact(k).is_none()
            && (!first.starts_with("ال") || first.ends_with('ي') || self.name_word(first).given)
        {
            let mut j = k + 1;
            while j < self.words.len()
                && self.words[j - 1].joins_next
                && is_part(j)
                && exact(j).is_none()
            {
                j += 1;
            }
            if j - k >= 2 {
                return Some(self.composed(k, 0, j - 1, None));
            }
        }
        None
    }

    /// The name that goes on from word `k` (after `strip` folded bytes of it) where the
    /// first `taken` words are already known to be part of it (a given name: one or two
    /// words; after a title: none): at most `more` further name-like words, at least one.
    /// A connector (بن, أبو, آل, عبد …) followed by a name-like word is taken with it and not
    /// counted. A gazetteer person ends the name, which is then reported as that person.
    fn run_from(
        &mut self,
        k: usize,
        strip: usize,
        taken: usize,
        more: usize,
        exact: &dyn Fn(usize) -> Option<ExactAt<'a>>,
    ) -> Option<Found> {
        if taken == 0 && exact(k).is_some() {
            // a gazetteer name right after the title: the gazetteer walk reports it
            return None;
        }
        let mut end: Option<usize> = taken.checked_sub(1).map(|t| k + t);
        let mut count = 0;
        let mut person: Option<Person> = None;
        while count < more {
            let next = end.map_or(k, |e| e + 1);
            if next >= self.words.len() || end.is_some_and(|e| !self.words[e].joins_next) {
                break;
            }
            // a connector and the name-like word after it
            let connector = CONNECTORS.contains(&self.token(next).folded)
                && next + 1 < self.words.len()
                && self.words[next].joins_next;
            let (first, last) = if connector {
                (next + 1, next + 1)
            } else {
                (next, next)
            };
            let ex = exact(first);
            let ok = if connector && ex.is_none() {
                self.after_connector_ok(first)
            } else {
                // a role noun after a name ends it, even one the lists know as a name (سمير
                // عوض [مساعد] وزير الداخلية)
                !(end.is_some() && ex.is_none() && is_role_noun(self.token(first).folded))
                    && self.name_like(first, ex.as_ref().map(|e| e.kind), end.is_some())
                    && (ex.is_some() || self.unknown_word_ok(first))
            };
            if !ok {
                // a title and a lone given name: a common word after it is the surname
                // (الشيخ محمد [عبده], الدكتور علي [جمعة]); a title rarely comes with the
                // given name alone
                if taken == 0
                    && end == Some(k)
                    && !connector
                    && self.name_word(self.token(k).folded).given
                    && match &ex {
                        None => self.common_surname_ok(first),
                        // or a small place's name (جون [باراديس], هنري [شيلتون])
                        Some(e) => {
                            e.kind == EntityType::Loc
                                && e.end_word == first
                                && (2..SMALL_PLACE).contains(&e.entity.weight)
                                && self.token(first).folded.chars().all(is_arabic_letter)
                        }
                    }
                {
                    end = Some(self.with_allah(first));
                    count += 1;
                }
                break;
            }
            end = Some(self.with_allah(last));
            if first == next {
                count += 1;
            }
            if let Some(ex) = ex {
                end = Some(ex.end_word);
                let e = ex.entity;
                person = Some((
                    e.id.to_owned(),
                    e.name.to_owned(),
                    (e.wikidata.map(str::to_owned), e.geonames.map(str::to_owned)),
                ));
                count += 1;
                break;
            }
        }
        if count == 0 {
            return None;
        }
        Some(self.composed(k, strip, end?, person))
    }

    /// May word `k`, after a connector (بن, أبو, آل, عبد), be the rest of the name? Any word
    /// of Arabic letters that is not a function word or shaped like a verb: after a connector
    /// a common word or a title is a name (بن سلطان, أبو القاسم, عبد العزيز).
    fn after_connector_ok(&self, k: usize) -> bool {
        let tok = self.token(k);
        tok.folded.chars().count() >= 2
            && tok.folded.chars().all(is_arabic_letter)
            && !Self::is_function(tok.folded)
            && !self.written_function(k)
            && !self.looks_like_verb(k)
            && !segment::starts_with_clitic_article(tok.folded)
    }

    /// Word `k`, or the word after it when that is الله: a name word and الله after it are one
    /// name (حسب الله, نصر الله, عطا الله).
    fn with_allah(&self, k: usize) -> usize {
        if k + 1 < self.words.len()
            && self.words[k].joins_next
            && self.token(k + 1).folded == "الله"
        {
            k + 1
        } else {
            k
        }
    }

    /// May word `k`, a common word, be the surname after a title and a given name? Not a
    /// function word, a title, a verb by its shape, a word by its form no name
    /// ([`not_a_name_by_form`]), a word written with a final ة or with nunation, a word
    /// behind و or ف.
    fn common_surname_ok(&self, k: usize) -> bool {
        let tok = self.token(k);
        let written = &self.text[tok.orig.0..tok.orig.1];
        tok.folded.chars().count() >= 3
            && tok.folded.chars().all(is_arabic_letter)
            && self.is_common(&crate::tagger::light(written))
            && !written.contains(['\u{064B}', '\u{064C}', '\u{064D}'])
            && !Self::is_function(tok.folded)
            && !self.written_function(k)
            && !self.name_word(tok.folded).title
            && self.title_at(k).is_none()
            && !verb_shape(tok.folded)
            && !not_a_name_by_form(tok.folded)
            && !segment::starts_with_clitic_article(tok.folded)
            && !written.ends_with('ة')
            && !tok.folded.starts_with(['و', 'ف'])
    }

    /// Does the name at word `k` name a thing rather than a person: does a noun of an
    /// institution, a prize or a place come before it, or before the title that comes before
    /// it (كأس الشيخ [جاسم], مستشفى الملك [فيصل], جامعة [محمد الخامس])?
    fn names_a_thing(&self, k: usize) -> bool {
        let joined = |j: usize| j > 0 && self.words[j - 1].joins_next;
        let institution = |j: usize| {
            self.readings(j)
                .any(|(_, restore, rest)| INSTITUTION_NOUNS.contains(&key(restore, rest).as_ref()))
        };
        if !joined(k) {
            return false;
        }
        if institution(k - 1) {
            return true;
        }
        (1..=MAX_TITLE_WORDS.min(k - 1)).any(|n| {
            (k - n..=k).all(joined) && self.title_at(k - n) == Some(k) && institution(k - n - 1)
        })
    }

    /// Is word `k` written as a preposition that folds to a name (على → علي, Ali)?
    fn written_function(&self, k: usize) -> bool {
        let tok = self.token(k);
        // the function word first: it is cheap, and most words are none
        Self::is_function(tok.folded)
            && light_form(&self.text[tok.orig.0..tok.orig.1]).ends_with('ى')
    }

    /// How many name-like words may follow a given name whose next word is `j`: none when nothing says the words after it are a name. Many Arabic given names
    /// are everyday words too (نجم السينما, صاحب السمو, جني الأرباح), so after one the next
    /// word must be known as a name: a given name (the father's: عباس محمود), a surname
    /// (`surnames.txt`) or name part, a gazetteer person, or a connector (بن, أبو …). After a
    /// father's name the next word is free (عباس محمود [العقاد]); after a surname it must be
    /// known too (سعيد شيرازي, not سعيد شيرازي سائق). A given name of another language
    /// (`foreign`: in `foreign-given-names.txt`, فلاديمير) is evidence itself.
    fn after_given(
        &self,
        foreign: bool,
        j: usize,
        exact: &dyn Fn(usize) -> Option<ExactAt<'a>>,
    ) -> usize {
        if foreign {
            return MAX_AFTER_GIVEN;
        }
        let known = |n: NameWord| n.given || n.part || n.surname;
        let mut count = 0;
        while count < MAX_AFTER_GIVEN && j + count < self.words.len() {
            let w = j + count;
            let folded = self.token(w).folded;
            let nw = self.name_word(folded);
            // a name behind و (وموسى, ولاريجاني) is another person's
            if !known(nw)
                && let Some(rest) = folded.strip_prefix('و')
                && (known(self.name_word(rest))
                    || self.key_of_entity(rest, |e| e.kind == EntityType::Per))
            {
                break;
            }
            if CONNECTORS.contains(&folded) || exact(w).is_some_and(|e| e.kind == EntityType::Per) {
                return MAX_AFTER_GIVEN;
            }
            if !known(nw) {
                if count == 1 && self.name_word(self.token(w - 1).folded).given {
                    count += 1;
                }
                break;
            }
            count += 1;
        }
        count
    }

    /// Is word `k` a given name or a name part of the lists?
    fn known_name_word(&self, k: usize) -> bool {
        let nw = self.name_word(self.token(k).folded);
        nw.given || nw.part
    }

    /// Extra checks for a word the lists do not know (not a given name, name part, surname or
    /// gazetteer person): it must not look like an imperfect verb, end in ة, or start with a
    /// proclitic and the article (بالميدالية).
    fn unknown_word_ok(&self, k: usize) -> bool {
        let w = self.token(k).folded;
        let nw = self.name_word(w);
        if nw.given || nw.part || nw.surname {
            return true;
        }
        !self.looks_like_verb(k)
            && !w.ends_with('ه')
            && !segment::starts_with_clitic_article(w)
            && !not_a_name_by_form(w)
    }

    /// The title that starts at word `k` (possibly after a proclitic), longest first: returns
    /// the index of the word after it.
    fn title_at(&self, k: usize) -> Option<usize> {
        let known = self.titles.borrow()[k];
        if known != TITLE_UNKNOWN {
            return (known != TITLE_NONE).then_some(known as usize);
        }
        let found = self.find_title_at(k);
        self.titles.borrow_mut()[k] = found.map_or(TITLE_NONE, |j| j as u32);
        found
    }

    /// [`Names::title_at`], without the memory.
    fn find_title_at(&self, k: usize) -> Option<usize> {
        // a title's first word is a reading of word `k`, and the start of a list entry
        if !self.could_start_title(k) || !self.could_start_list_entry(k) {
            return None;
        }
        for (_, restore, rest) in self.readings(k) {
            // walk each layer's list fst word by word (never from its root again): most
            // prefixes leave it after a letter or two
            let mut best = None;
            for g in self.layers {
                let fst = g.name_words().as_fst();
                let Some(mut at) = feed(fst, (fst.root(), Output::zero()), restore)
                    .and_then(|at| feed(fst, at, rest))
                else {
                    continue;
                };
                let mut j = k;
                loop {
                    let (node, out) = at;
                    if node.is_final()
                        && out.cat(node.final_output()).value() & WORD_TITLE != 0
                        && best.is_none_or(|b| b < j + 1)
                    {
                        best = Some(j + 1);
                    }
                    if j + 1 - k >= MAX_TITLE_WORDS
                        || j + 1 >= self.words.len()
                        || !self.words[j].joins_next
                    {
                        break;
                    }
                    j += 1;
                    let w = self.words[j];
                    match feed(fst, at, " ").and_then(|at| feed(fst, at, &self.t[w.start..w.end])) {
                        Some(next) => at = next,
                        None => break,
                    }
                }
            }
            if best.is_some() {
                return best;
            }
        }
        None
    }

    /// The composed mention over words `k..=end`, after `strip` folded bytes of word `k`.
    fn composed(&mut self, k: usize, strip: usize, end: usize, person: Option<Person>) -> Found {
        let bs = self.norm.origin(self.words[k].start + strip);
        let be = self.token(end).orig.1;
        let surface = collapse_spaces(&light_form(&self.text[bs..be]));
        let folded = crate::gazetteer::key_of(&self.text[bs..be]);
        let (score, (entity, name, ids)) = match person {
            Some(person) => (crate::tagger::score::COMPOSED_PERSON, person),
            None => (
                crate::tagger::score::COMPOSED,
                (
                    format!("composed:{}", folded.replace(' ', "_")),
                    surface.clone(),
                    (None, None),
                ),
            ),
        };
        let mut found = self.person(k, strip, end, (entity, name, surface), MatchKind::Composed);
        found.mention.score = Score::new(score);
        (found.mention.wikidata, found.mention.geonames) = ids;
        found
    }

    /// A PER mention over words `k..=end`, after `strip` folded bytes of word `k`, naming
    /// `(entity, canonical name, variant)`.
    fn person(
        &self,
        k: usize,
        strip: usize,
        end: usize,
        (entity, name, variant): (String, String, String),
        how: MatchKind,
    ) -> Found {
        let bs = self.norm.origin(self.words[k].start + strip);
        let be = self.token(end).orig.1;
        Found {
            mention: Mention {
                start: 0,
                end: 0,
                byte_start: bs,
                byte_end: be,
                text: self.text[bs..be].to_owned(),
                kind: EntityType::Per,
                entity,
                name,
                variant,
                prefix: self.text[self.norm.origin(self.words[k].start)..bs].to_owned(),
                how,
                cost: None,
                score: Score::new(crate::tagger::score::of_match(how, MentionKind::Name, None)),
                form: MentionKind::Name,
                wikidata: None,
                geonames: None,
                candidates: Vec::new(),
            },
            end_word: end,
        }
    }

    /// Learns the aliases a mention makes possible (a person of two or more words).
    pub(crate) fn learn(&mut self, m: &Mention) {
        if m.kind != EntityType::Per || m.form != MentionKind::Name {
            return;
        }
        let key = crate::gazetteer::key_of(&m.text);
        let parts: Vec<&str> = key.split(' ').collect();
        if parts.len() < 2 {
            return;
        }
        let light = collapse_spaces(&light_form(&m.text));
        let light_parts: Vec<&str> = light.split(' ').collect();
        let last = parts[parts.len() - 1];
        let n = parts.len();
        let mut keys = if CONNECTORS.contains(&parts[n - 2]) {
            // a family name with its connector (آل ثاني, أبو مازن) is the short form
            if n < 3 || CONNECTORS.contains(&last) {
                return;
            }
            vec![(
                format!("{} {last}", parts[n - 2]),
                light_parts[light_parts.len().saturating_sub(2)..].join(" "),
            )]
        } else if CONNECTORS.contains(&last) {
            return;
        } else {
            vec![(
                last.to_owned(),
                light_parts.last().copied().unwrap_or(last).to_owned(),
            )]
        };
        if parts.len() >= 3 {
            keys.push((
                format!("{} {last}", parts[0]),
                format!(
                    "{} {}",
                    light_parts.first().copied().unwrap_or(parts[0]),
                    light_parts.last().copied().unwrap_or(last)
                ),
            ));
        }
        for (key, variant) in keys {
            let first_word = key.split(' ').next().unwrap_or("");
            if key
                .split(' ')
                .any(|w| w.chars().count() < MIN_ALIAS_LETTERS && !CONNECTORS.contains(&w))
                || Self::is_function(&key)
                || Self::is_function(first_word)
                || self.is_common(&variant)
                || self.other_entity_key(&key, Some(&m.entity))
                || self.name_word(&key).title
                || key.split(' ').any(|w| {
                    let nw = self.name_word(w);
                    !nw.given && !nw.part && !CONNECTORS.contains(&w) && not_a_name_by_form(w)
                })
            {
                continue;
            }
            let first = key.split_once(' ').map_or(key.as_str(), |(first, _)| first);
            let bit = first_word_bit("", first);
            self.alias_filter[bit / 64] |= 1 << (bit % 64);
            if key.contains(' ') {
                self.alias_firsts.insert(first.to_owned());
            }
            self.aliases.entry(key).or_insert_with(|| Target {
                entity: m.entity.clone(),
                name: m.name.clone(),
                variant,
                wikidata: m.wikidata.clone(),
                geonames: m.geonames.clone(),
            });
        }
    }

    /// An alias of a person named earlier, at word `k`: two-word aliases first.
    pub(crate) fn alias(&self, k: usize) -> Option<Found> {
        if self.aliases.is_empty() {
            return None;
        }
        let may_start = |restore: &str, rest: &str| {
            let bit = first_word_bit(restore, rest);
            self.alias_filter[bit / 64] & (1 << (bit % 64)) != 0
        };
        // the filter first: most words start no alias, and the word before need not be read
        if !self
            .readings(k)
            .any(|(_, restore, rest)| may_start(restore, rest))
            || self.common_use_before(k)
        {
            return None;
        }
        for (strip, restore, rest) in self.readings(k) {
            if !may_start(restore, rest) {
                continue;
            }
            let key = key(restore, rest);
            if self.words[k].joins_next
                && k + 1 < self.words.len()
                && self.alias_firsts.contains(key.as_ref())
            {
                let two = format!("{key} {}", self.token(k + 1).folded);
                if let Some(t) = self.aliases.get(&two) {
                    return Some(self.alias_mention(k, strip, k + 1, t));
                }
            }
            if let Some(t) = self.aliases.get(key.as_ref()) {
                return Some(self.alias_mention(k, strip, k, t));
            }
        }
        None
    }

    /// Does the word before word `k` make a surname there a common use: a noun in the
    /// construct state (جائزة [نوبل], ending in ة), or, for a surname with the article, a
    /// noun with the article it would be the adjective of (البنك [التجاري])? A given name
    /// before it makes the word the end of a longer name, not an alias, too.
    fn common_use_before(&self, k: usize) -> bool {
        if k == 0 || !self.words[k - 1].joins_next {
            return false;
        }
        let prev = self.token(k - 1).folded;
        if !prev.chars().all(is_arabic_letter) || self.name_word(prev).title {
            return false;
        }
        let nw = self.name_word(prev);
        if nw.given {
            // a given name before it: the word ends a longer name (جلال [محمود]), not an alias
            return true;
        }
        if nw.part {
            return false;
        }
        prev.ends_with('ه') || (self.token(k).folded.starts_with("ال") && prev.starts_with("ال"))
    }

    fn alias_mention(&self, k: usize, strip: usize, end: usize, t: &Target) -> Found {
        let named = (t.entity.clone(), t.name.clone(), t.variant.clone());
        let mut found = self.person(k, strip, end, named, MatchKind::Alias);
        found.mention.wikidata = t.wikidata.clone();
        found.mention.geonames = t.geonames.clone();
        found
    }
}

/// The bit of `a` + `b` in the alias filter: a hash of its length and its last eight bytes
/// (the readings of a word share their end, so this reads a few bytes, not the word),
/// folded to 0..256.
fn first_word_bit(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut last = [0u8; 8];
    let from_b = b.len().min(8);
    last[8 - from_b..].copy_from_slice(&b[b.len() - from_b..]);
    let from_a = a.len().min(8 - from_b);
    last[8 - from_b - from_a..8 - from_b].copy_from_slice(&a[a.len() - from_a..]);
    let h =
        (u64::from_le_bytes(last) ^ (a.len() + b.len()) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> 56) as usize
}

/// The first words of the titles of one layer's name-word lists (the part of each title key
/// before its first space), for [`Names::could_start_title`].
pub(crate) struct TitleFirsts {
    set: fst::Set<Vec<u8>>,
    /// The first two letters of the first words, by table ([`Starts`]).
    starts: Starts,
    /// A 65,536-bit filter of the last two characters of the first words ([`tail_bit`]): every
    /// reading of a word ends as the word does, so a word whose bit is unset starts no title.
    tails: Box<[u64; 1024]>,
}

impl std::fmt::Debug for TitleFirsts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TitleFirsts({} words)", self.set.len())
    }
}

/// The [`TitleFirsts`] of `g`.
pub(crate) fn title_firsts(g: &Gazetteer) -> TitleFirsts {
    use fst::Streamer as _;
    let mut firsts = std::collections::BTreeSet::new();
    let mut keys = g.name_words().stream();
    while let Some((key, flags)) = keys.next() {
        if flags & crate::gazetteer::format::WORD_TITLE != 0 {
            let end = key.iter().position(|&b| b == b' ').unwrap_or(key.len());
            firsts.insert(key[..end].to_vec());
        }
    }
    let mut tails = Box::new([0u64; 1024]);
    for w in &firsts {
        if let Some(bit) = std::str::from_utf8(w).ok().and_then(tail_bit) {
            tails[bit / 64] |= 1 << (bit % 64);
        }
    }
    let set = fst::Set::from_iter(firsts).expect("sorted, distinct keys");
    TitleFirsts {
        starts: Starts::new(set.as_fst()),
        set,
        tails,
    }
}

/// The filter bit of a word's last two characters (its only one, for a one-letter word).
fn tail_bit(w: &str) -> Option<usize> {
    let mut chars = w.chars().rev();
    let last = chars.next()? as usize;
    let before = chars.next().map_or(0, |c| c as usize);
    Some((before.wrapping_mul(0x9E37) ^ last.wrapping_mul(31)) & 0xFFFF)
}

/// Follows `text` from the fst state `at`; `None` when the fst has no such path.
fn feed<'f, D: AsRef<[u8]>>(
    fst: &'f Fst<D>,
    (mut node, mut out): (Node<'f>, Output),
    text: &str,
) -> Option<(Node<'f>, Output)> {
    for &b in text.as_bytes() {
        let t = node.transition(node.find_input(b)?);
        out = out.cat(t.out);
        node = fst.node(t.addr);
    }
    Some((node, out))
}

/// The key of a proclitic reading: the restored letters, then the rest of the word.
fn key<'w>(restore: &str, rest: &'w str) -> std::borrow::Cow<'w, str> {
    if restore.is_empty() {
        std::borrow::Cow::Borrowed(rest)
    } else {
        std::borrow::Cow::Owned(format!("{restore}{rest}"))
    }
}

/// Is the folded word `w`, not known to the lists, by its form not a name (module docs)? A
/// conjunction or preposition before it (وإخراج, بتصريحات, لوسائل), a sound plural (قرارات,
/// الإجراءات, المستخدمين), an accusative adverb or noun (هجوما, قضائيا), or a role noun (نائب,
/// المدرب).
fn not_a_name_by_form(w: &str) -> bool {
    let n = w.chars().count();
    let bare = w.strip_prefix("ال").unwrap_or(w);
    // و + a word is a conjunction; ب ل ك + a long word a preposition (a foreign surname
    // may start so: بوفون, ليفيت — the short ones are kept)
    let rest = w.chars().skip(1).count();
    let prefixed = !w.starts_with("ال")
        && ((w.starts_with('و') && rest >= 3)
            || (['ب', 'ل', 'ك'].iter().any(|&p| w.starts_with(p))
                && ((rest >= 5
                    && ['ت', 'م', 'و']
                        .iter()
                        .any(|&c| w[p_len(w)..].starts_with(c)))
                    || w.ends_with("ات"))));
    prefixed
        || (n >= 5 && (w.ends_with("ات") || w.ends_with("ين") || w.ends_with("ون")))
        || (w.starts_with("ال") && n >= 6 && w.ends_with("اء"))
        || (n >= 4 && w.ends_with('ا') && !w.starts_with("ال"))
        || ROLE_NOUNS.contains(&bare)
}

/// Is the folded word `w` (with or without the article) a role noun ([`ROLE_NOUNS`])?
fn is_role_noun(w: &str) -> bool {
    ROLE_NOUNS.contains(&w.strip_prefix("ال").unwrap_or(w))
}

/// Has the folded word `w` the shape of a verb: an imperfect (ي… ت… of four to six letters;
/// سي… ست… سن… of five to seven), a past tense of the derived forms (أفعل: احرز, اجري; افتعل:
/// ارتكب; استفعل: استقبل), or one glued to the negation لا (لايؤمن)? Longer words so
/// spelled are foreign names (ستانيشيف).
fn verb_shape(w: &str) -> bool {
    let c: Vec<char> = w.chars().collect();
    let n = c.len();
    if n < 4 || w.starts_with("ال") {
        return false;
    }
    ((c[0] == 'ي' || c[0] == 'ت') && (4..=6).contains(&n))
        || (["سي", "ست", "سن"].iter().any(|p| w.starts_with(p)) && (5..=7).contains(&n))
        || (c[0] == 'ا' && n == 4)
        || (c[0] == 'ا' && n == 5 && c[2] == 'ت')
        || (w.starts_with("است") && n == 6)
        || (w.starts_with("لا") && n >= 5 && ['ي', 'ت', 'ن'].contains(&c[2]))
        || (c[0] == 'ف' && {
            // ف + a verb (فاحتسب, فتقرر), never ف + أفعل or ف + يـ, which many names spell
            // (فاطمه, فيصل, فيلبان)
            let rest = &w[c[0].len_utf8()..];
            !(rest.starts_with('ي') || (rest.starts_with('ا') && n == 5)) && verb_shape(rest)
        })
}

/// Bytes of the first letter of `w`.
fn p_len(w: &str) -> usize {
    w.chars().next().map_or(0, char::len_utf8)
}

fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{064A}' | '\u{0671}'..='\u{06D3}')
}

fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The filter's bit depends only on the joined text, wherever it is cut, so a reading
    /// (restored letters + rest of the word) finds the bit its key set.
    #[test]
    fn the_alias_filter_bit_is_that_of_the_joined_text() {
        for text in ["الكرملين", "باشينيان", "ab", "a", "", "عبد الله", "xyzعب"]
        {
            let whole = first_word_bit("", text);
            for (i, _) in text.char_indices() {
                assert_eq!(
                    first_word_bit(&text[..i], &text[i..]),
                    whole,
                    "{text} at {i}"
                );
            }
        }
        assert_ne!(first_word_bit("", "علييف"), first_word_bit("", "باشينيان"));
    }
}
