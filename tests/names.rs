//! The name rules and document aliases (issue: beyond the list), on hand-made documents: each
//! mechanism firing where it should, and not firing where it must not.

use std::path::Path;

use gaztag::gazetteer::{compile, source};
use gaztag::tagger::rules::names::ComposeRules;
use gaztag::{Gazetteer, MatchKind, Tagger};

const ENTITIES: &str = "\
baku\tLOC\tباكو
moscow\tLOC\tموسكو
putin\tPER\tفلاديمير بوتين\tبوتين
jihad\tORG\tحركة الجهاد الإسلامي\tالجهاد الإسلامي\tshort=الجهاد
azerbaijan\tLOC\tأذربيجان\t\tadj=الأذربيجاني
";

/// A gazetteer with its own word lists, so the cases do not depend on the default's lists.
fn gazetteer() -> Gazetteer {
    let words = |ws: &[&str]| ws.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    let sources = source::Sources {
        entities: source::parse_str(Path::new("t.tsv"), ENTITIES).unwrap(),
        common_words: words(&["قال", "إن", "أمس", "الجديد", "اليوم", "وصل"]),
        name_words: source::NameWords {
            given: words(&["محمد", "عبد الله", "صالح", "نجم", "جمال"]),
            parts: words(&["الحسيني", "الدباغ"]),
            titles: words(&["الرئيس", "وزير الخارجية"]),
            surnames: words(&["رفيق", "فرحات"]),
            foreign_given: words(&["نيكول"]),
        },
    };
    Gazetteer::from_bytes(compile(&sources)).unwrap()
}

fn tagger(aliases: bool, compose: bool) -> Tagger {
    Tagger::builder()
        .gazetteer(gazetteer())
        .aliases(aliases)
        .compose(compose)
        .compose_rules(gaztag::tagger::rules::names::ComposeRules::all())
        .build()
}

/// (text, match kind, entity) of every mention that is not an exact gazetteer match.
fn found(t: &Tagger, text: &str) -> Vec<(String, &'static str, String)> {
    t.tag(text)
        .into_iter()
        .filter(|m| m.how != MatchKind::Exact)
        .map(|m| (m.text.clone(), m.how.as_str(), m.entity.clone()))
        .collect()
}

fn rows(rows: &[(&str, &'static str, &str)]) -> Vec<(String, &'static str, String)> {
    rows.iter()
        .map(|(a, b, c)| (a.to_string(), *b, c.to_string()))
        .collect()
}

#[test]
fn given_name_then_name_like_word_is_composed_and_its_surname_an_alias() {
    let t = tagger(true, true);
    let text = "وصل نيكول باشينيان إلى موسكو. وقال باشينيان إن الاتفاق قريب، ولباشينيان رأي.";
    assert_eq!(
        found(&t, text),
        rows(&[
            ("نيكول باشينيان", "composed", "composed:نيكول_باشينيان"),
            ("باشينيان", "alias", "composed:نيكول_باشينيان"),
            ("باشينيان", "alias", "composed:نيكول_باشينيان"),
        ])
    );
    // the proclitic stays outside the alias span
    let m = t.tag(text);
    assert_eq!(m.last().unwrap().prefix, "ول");
}

#[test]
fn alias_needs_the_full_name_first_and_stays_in_its_document() {
    let t = tagger(true, true);
    // the surname before the full name is not tagged; after it, it is
    let text = "قال باشينيان أمس إن نيكول باشينيان سيزور باكو";
    assert_eq!(
        found(&t, text),
        rows(&[("نيكول باشينيان", "composed", "composed:نيكول_باشينيان")])
    );
    // another document (another call) knows nothing of the first one's names
    assert!(found(&t, "وقال باشينيان إن").is_empty());
}

#[test]
fn listed_person_aliases_and_three_word_names() {
    let t = tagger(true, true);
    let text = "التقى محمد صالح الحسيني بالوفد. وقال محمد الحسيني إن الحسيني راض.";
    assert_eq!(
        found(&t, text),
        rows(&[
            (
                "محمد صالح الحسيني",
                "composed",
                "composed:محمد_صالح_الحسيني"
            ),
            ("محمد الحسيني", "alias", "composed:محمد_صالح_الحسيني"),
            ("الحسيني", "alias", "composed:محمد_صالح_الحسيني"),
        ])
    );
}

#[test]
fn title_and_adjective_introduce_a_person_outside_the_span() {
    let t = tagger(true, true);
    let text = "استقبل الرئيس الأذربيجاني راميز حسنوف وزير الخارجية لوران فابيوس";
    assert_eq!(
        found(&t, text),
        rows(&[
            ("راميز حسنوف", "composed", "composed:راميز_حسنوف"),
            ("لوران فابيوس", "composed", "composed:لوران_فابيوس"),
        ])
    );
}

#[test]
fn known_name_parts_in_a_run_are_a_person() {
    let t = tagger(true, true);
    assert_eq!(
        found(&t, "وحضر الحسيني الدباغ الاجتماع"),
        rows(&[("الحسيني الدباغ", "composed", "composed:الحسيني_الدباغ")])
    );
    // one known part alone is not enough
    assert!(found(&t, "وحضر الحسيني الاجتماع").is_empty());
}

#[test]
fn composition_does_not_fire_on_verbs_common_words_or_other_names() {
    let t = tagger(true, true);
    // a given name followed by a verb, a common word, a preposition, a place
    for text in [
        "قال محمد يريد السلام",
        "وصل محمد أمس",
        "وصل محمد إلى باكو",
        "زار محمد موسكو",
        "وصل الرئيس الجديد",
        "قال الرئيس يبحث الاتفاق",
        "وقع الرئيس مرسوماً",
    ] {
        assert!(found(&t, text).is_empty(), "{text}: {:?}", found(&t, text));
    }
}

#[test]
fn a_surname_that_is_a_common_word_or_another_key_is_never_an_alias() {
    let t = tagger(true, true);
    // الجديد is a common word, موسكو a key of a place
    let text = "وصل نيكول الجديد ثم نيكول موسكو. وقال الجديد إن موسكو";
    let got = found(&t, text);
    assert!(got.iter().all(|(_, how, _)| *how != "alias"), "{got:?}");
}

#[test]
fn a_listed_person_at_the_end_of_a_composed_name_names_it() {
    let t = tagger(true, true);
    let got = t.tag("قال الرئيس عبد الله بوتين");
    let m = got.iter().find(|m| m.text == "عبد الله بوتين").unwrap();
    assert_eq!((m.how, m.entity.as_str()), (MatchKind::Composed, "putin"));
}

#[test]
fn declared_short_forms_only_after_the_full_name() {
    let t = tagger(true, true);
    let text = "قال الجهاد أمس. ثم التقى حركة الجهاد الإسلامي، وقال الجهاد إن";
    let got = t.tag(text);
    let jihad: Vec<(&str, MatchKind)> = got
        .iter()
        .filter(|m| m.entity == "jihad")
        .map(|m| (m.text.as_str(), m.how))
        .collect();
    assert_eq!(
        jihad,
        [
            ("حركة الجهاد الإسلامي", MatchKind::Exact),
            ("الجهاد", MatchKind::Alias)
        ]
    );
    // aliases off: short forms off too
    let off = tagger(false, true);
    assert!(off.tag(text).iter().all(|m| m.how != MatchKind::Alias));
}

#[test]
fn each_mechanism_can_be_turned_off() {
    let text = "وصل نيكول باشينيان إلى موسكو. وقال باشينيان إن";
    assert_eq!(found(&tagger(false, true), text).len(), 1);
    assert!(found(&tagger(true, false), text).is_empty());
    assert!(found(&tagger(false, false), text).is_empty());
}

/// A given name that is also a one-word gazetteer person does not swallow the surname after
/// it: the longer composed name wins; alone, the gazetteer person is reported.
#[test]
fn a_one_word_person_does_not_pre_empt_a_longer_composed_name() {
    let words = |ws: &[&str]| ws.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    let sources = source::Sources {
        entities: source::parse_str(Path::new("t.tsv"), "mohammed\tPER\tمحمد\nbaku\tLOC\tباكو\n")
            .unwrap(),
        common_words: words(&["قال", "إن", "وصل"]),
        name_words: source::NameWords {
            given: words(&["محمد"]),
            surnames: words(&["الطرابلسي"]),
            ..Default::default()
        },
    };
    let t = Tagger::builder()
        .gazetteer(Gazetteer::from_bytes(compile(&sources)).unwrap())
        .compose_rules(gaztag::tagger::rules::names::ComposeRules::all())
        .build();
    let got: Vec<(String, &str, String)> = t
        .tag("وصل محمد الطرابلسي إلى باكو. قال محمد إن")
        .into_iter()
        .map(|m| (m.text, m.how.as_str(), m.entity))
        .collect();
    assert_eq!(
        got,
        rows(&[
            ("محمد الطرابلسي", "composed", "composed:محمد_الطرابلسي"),
            ("باكو", "exact", "baku"),
            ("محمد", "exact", "mohammed"),
        ])
    );
}

#[test]
fn a_composed_name_stops_before_a_preposition_conjunction_plural_or_role_noun() {
    let t = tagger(true, true);
    for (text, name) in [
        ("وقال نيكول حسنوف بتصريحات إن", "نيكول حسنوف"),
        ("وقال نيكول حسنوف لوسائل الإعلام", "نيكول حسنوف"),
        ("تأليف محمد رفيق وإخراج سامر", "محمد رفيق"),
        ("ورفض محمد الإجراءات الجديدة", ""),
        ("وزار نيكول حسنوف نائب الوزير", "نيكول حسنوف"),
        ("وشن نيكول حسنوف هجوما عنيفا", "nikol"),
    ] {
        let got: Vec<String> = found(&t, text).into_iter().map(|(s, _, _)| s).collect();
        let want: Vec<String> = match name {
            "" => vec![],
            "nikol" => vec!["نيكول حسنوف".to_owned()],
            n => vec![n.to_owned()],
        };
        assert_eq!(got, want, "{text}");
    }
}

#[test]
fn a_lone_adjective_or_noun_after_a_title_is_never_a_person() {
    let t = tagger(true, true);
    for text in [
        "وقال الرئيس الخاص إن",
        "وأكد الرئيس المؤقت أمس",
        "وقال الرئيس تشكيل",
        "وكان الرئيس أطلق المبادرة",
    ] {
        assert!(found(&t, text).is_empty(), "{text}: {:?}", found(&t, text));
    }
}

#[test]
fn a_preposition_written_with_alif_maqsura_is_not_the_name_ali() {
    let t = tagger(true, true);
    let got = found(&t, "واعتمد على الحسيني الدباغ");
    assert!(got.iter().all(|(s, _, _)| !s.starts_with("على")), "{got:?}");
}

#[test]
fn no_alias_where_a_noun_before_it_makes_it_a_common_use() {
    let t = tagger(true, true);
    let text = "وصل نيكول باشينيان إلى باكو. وناقش الوفد جائزة باشينيان أمس.";
    let got = found(&t, text);
    assert!(got.iter().all(|(_, how, _)| *how != "alias"), "{got:?}");
}

#[test]
fn titles_and_given_names_compose_by_default_name_parts_do_not() {
    let t = Tagger::builder()
        .gazetteer(gazetteer())
        .aliases(false)
        .build();
    let got = found(&t, "وصل نيكول باشينيان إلى موسكو");
    assert_eq!(
        got,
        rows(&[("نيكول باشينيان", "composed", "composed:نيكول_باشينيان")])
    );
    let got = found(&t, "وقال الرئيس راميز حسنوف إن");
    assert_eq!(
        got,
        rows(&[("راميز حسنوف", "composed", "composed:راميز_حسنوف")])
    );
    // a run of name parts alone is opt-in
    assert!(found(&t, "وصل الحسيني الدباغ إلى موسكو").is_empty());
}

/// Many Arabic given names are everyday words too (نجم "star", جمال "beauty"): after one, the
/// next word must be known as a name (a surname, a given name, a connector, a gazetteer
/// person). A given name of another language (نيكول) needs no such evidence.
#[test]
fn an_arabic_given_name_needs_a_known_name_after_it() {
    let t = tagger(false, true);
    for (text, want) in [
        ("وحضر نجم السينما الحفل أمس", vec![]),
        ("وقال جمال فرحات إن الاتفاق قريب", vec!["جمال فرحات"]),
        // after a surname the next word must be known too
        ("وقال جمال فرحات سائق الحافلة إن", vec!["جمال فرحات"]),
        // after the father's name (a given name) the next word is free
        ("وقال محمد صالح كريمي إن", vec!["محمد صالح كريمي"]),
        // a name behind و is another person: no name of two
        ("واجتمع جمال ونيكول في موسكو", vec![]),
        ("وقال نيكول حسنوف إن", vec!["نيكول حسنوف"]),
    ] {
        let got: Vec<String> = found(&t, text).into_iter().map(|(s, _, _)| s).collect();
        assert_eq!(got, want, "{text}");
    }
}

const MORE_ENTITIES: &str = "\
canada\tLOC\tكندا\t\tadj=كندي|الكندي
paradise\tLOC\tباراديس\t\tweight=5000
moscow\tLOC\tموسكو\t\tweight=12000000
bakhmut\tLOC\tبخموت
";

/// A gazetteer with more word lists, for the rules that decide where a title's name ends.
fn more_gazetteer() -> Gazetteer {
    let words = |ws: &[&str]| ws.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    let sources = source::Sources {
        entities: source::parse_str(Path::new("t.tsv"), MORE_ENTITIES).unwrap(),
        common_words: words(&["قال", "إن", "أمس", "سلطان", "عبده", "حسب", "وهو", "بعد"]),
        name_words: source::NameWords {
            given: words(&["جون", "سمير", "مساعد", "محمد", "بهاء"]),
            parts: words(&[]),
            titles: words(&["الرئيس", "الشيخ", "السلطان", "الدكتور"]),
            ..Default::default()
        },
    };
    Gazetteer::from_bytes(compile(&sources)).unwrap()
}

/// The texts of the composed mentions `rules` find in `text`.
fn composed_with(rules: ComposeRules, text: &str) -> Vec<String> {
    let t = Tagger::builder()
        .gazetteer(more_gazetteer())
        .compose_rules(rules)
        .build();
    t.tag(text)
        .into_iter()
        .filter(|m| m.how == MatchKind::Composed)
        .map(|m| m.text)
        .collect()
}

#[test]
fn a_title_s_name_takes_its_surname() {
    let titles = ComposeRules::default();
    for (text, name) in [
        // after a connector, a common word or a title is the name (بن سلطان)
        ("وقال الشيخ محمد بن سلطان الشمري إن", "محمد بن سلطان الشمري"),
        // a demonym without the article after a name is a surname, with it an adjective
        ("وكان الرئيس جون كندي قد", "جون كندي"),
        ("وقال الرئيس الكندي جون إن", "جون"),
        // a common word after a title and a lone given name is the surname
        ("امتدح الشيخ محمد عبده الإصلاح", "محمد عبده"),
        // a name word and الله after it are one name
        ("كتاب الدكتور بهاء حسب الله الجديد", "بهاء حسب الله"),
        // a small place's one-word name there is the surname, a large one's not
        ("وقال الرئيس جون باراديس إن", "جون باراديس"),
        ("وزار الرئيس جون موسكو", "جون"),
        // a long word spelled like an imperfect verb is a foreign surname
        ("وقال الرئيس جون ستانيشيف إن", "جون ستانيشيف"),
        // up to four name words after the title
        ("وقال الشيخ محمد رعد زيد حسنوف إن", "محمد رعد زيد حسنوف"),
    ] {
        assert_eq!(composed_with(titles, text), vec![name.to_owned()], "{text}");
    }
}

#[test]
fn a_title_s_name_stops_before_a_verb_a_role_noun_or_a_function_word() {
    let titles = ComposeRules::default();
    for (text, name) in [
        // past tenses of the derived forms, ف + a verb, لا glued to an imperfect
        ("وكان الرئيس جون أحرز لقبا", "جون"),
        ("وقال الرئيس جون ارتكب خطأ", "جون"),
        ("وقال الرئيس جون استقبل الوفد", "جون"),
        ("سدد الرئيس جون فاحتسب الحكم", "جون"),
        ("ولما كان الرئيس جون لايؤمن بذلك", "جون"),
        // a role noun ends the name, even one the lists know as a given name
        ("والتقى الدكتور سمير حسنوف مساعد الوزير", "سمير حسنوف"),
        ("وحضر الدكتور جون حسنوف القائم بالأعمال", "جون حسنوف"),
        // a preposition, a pronoun behind و: never the surname
        ("وقال الرئيس محمد بعد الاجتماع", "محمد"),
        ("وكان الرئيس محمد وهو صغير", "محمد"),
        ("وقال الرئيس محمد إلا أن", "محمد"),
    ] {
        assert_eq!(composed_with(titles, text), vec![name.to_owned()], "{text}");
    }
}

#[test]
fn a_title_or_given_name_after_an_institution_noun_names_a_thing() {
    for text in [
        "نهائي كأس الشيخ محمد حسنوف",
        "في مستشفى الرئيس جون حسنوف",
        "طلاب جامعة محمد حسنوف",
        "افتتح مسجد الشيخ جون",
    ] {
        let got = composed_with(ComposeRules::all(), text);
        assert!(got.is_empty(), "{text}: {got:?}");
    }
}

#[test]
fn no_alias_right_after_a_given_name() {
    let t = Tagger::builder().gazetteer(more_gazetteer()).build();
    let got: Vec<String> = t
        .tag("وقال الرئيس جون حسنوف إن الاتفاق قريب. ثم قال سمير حسنوف إن حسنوف راض")
        .into_iter()
        .filter(|m| m.how == MatchKind::Alias)
        .map(|m| m.text)
        .collect();
    assert_eq!(got, vec!["حسنوف".to_owned()]);
}
