use super::*;
use crate::screen::lists::{Entry, ListFormat, PartyList};

fn list(names: &[&str]) -> Vec<PartyList> {
    vec![PartyList {
        path: "test".into(),
        format: ListFormat::RestrictedCsv,
        rows: names.len() as u64,
        entries: names
            .iter()
            .enumerate()
            .map(|(i, n)| Entry {
                uid: i.to_string(),
                name: n.to_string(),
                aliases: Vec::new(),
                party_type: PartyType::Organization,
                programs: Vec::new(),
                source: "test".into(),
                country: None,
                line: i as u64 + 2,
                entity: None,
            })
            .collect(),
    }]
}

fn best(m: &Matcher, name: &str) -> Option<(usize, f64, Vec<String>)> {
    m.screen(name, 0.0)
        .into_iter()
        .next()
        .map(|h| (h.entry, h.score, h.why))
}

#[test]
fn word_similarity_rules() {
    assert_eq!(word_similarity("bank", "bank"), 1.0);
    assert!(word_similarity("semiconductors", "semiconductor") > 0.95);
    // Short words and words with digits must be equal.
    assert_eq!(word_similarity("abc", "abd"), 0.0);
    assert_eq!(word_similarity("7th", "9th"), 0.0);
    assert_eq!(word_similarity("plant2", "plant3"), 0.0);
    // Unrelated words score nothing.
    assert_eq!(word_similarity("arsenal", "factory"), 0.0);
}

#[test]
fn exact_reorder_accent_and_suffix_all_score_one() {
    let m = Matcher::new(&list(&[
        "KRASNOZNAMENSK SEMICONDUCTORS FACTORY ARSENAL",
        "BANCO NACIONAL DE CUBA",
    ]));
    let (e, s, why) = best(&m, "Krasnoznamensk Semiconductors Factory Arsenal JSC").unwrap();
    assert_eq!((e, s), (0, 1.0));
    assert!(why[0].starts_with("exact after normalisation"), "{why:?}");
    let (_, s, why) = best(&m, "Arsenal Factory Krasnoznamensk Semiconductors").unwrap();
    assert_eq!(s, 1.0);
    assert_eq!(why, ["all words match, different order"]);
    let (e, s, _) = best(&m, "Banco Nacional de Cúba S.A.").unwrap();
    assert_eq!((e, s), (1, 1.0));
}

#[test]
fn spelling_variants_score_high_and_say_which_words() {
    let m = Matcher::new(&list(&["KRASNOZNAMENSK SEMICONDUCTORS FACTORY ARSENAL"]));
    let (_, s, why) = best(&m, "Krasnoznamensk Semiconductor Factory Arsenal").unwrap();
    assert!(s > 0.95 && s < 1.0, "{s}");
    assert!(
        why.iter()
            .any(|w| w.starts_with("word `semiconductor` ~ `semiconductors` 0.9")),
        "{why:?}"
    );
}

#[test]
fn partial_overlap_scores_low_and_lists_what_is_missing() {
    let m = Matcher::new(&list(&[
        "KRASNOZNAMENSK SEMICONDUCTORS FACTORY ARSENAL",
        "GLOBAL TRADING GROUP",
    ]));
    let (_, s, why) = best(&m, "Arsenal Semiconductors").unwrap();
    assert!(s < 0.8, "{s}");
    assert!(why.contains(&"listed word `krasnoznamensk` is missing".to_string()));
    assert!(m.screen("Acme Widgets", 0.5).is_empty());
    assert!(m.screen("Ltd.", 0.0).is_empty() || m.screen("Ltd.", 0.9).is_empty());
}

#[test]
fn spacing_differences_are_found() {
    let m = Matcher::new(&list(&["TAICHUNG PRECISION"]));
    let (_, s, why) = best(&m, "Tai Chung Precision").unwrap();
    assert_eq!(s, SPACING_SCORE);
    assert!(why[0].starts_with("same letters, different spacing"));
}

#[test]
fn rare_shared_words_weigh_more_than_common_ones() {
    let m = Matcher::new(&list(&[
        "ALPHA TRADING",
        "BETA TRADING",
        "GAMMA TRADING",
        "DELTA TRADING",
        "ZETONIX TRADING",
    ]));
    // Sharing the rare word scores higher than sharing the common one.
    let rare = m.score(
        &names::split("Zetonix Logistics"),
        &names::split("ZETONIX TRADING"),
    );
    let common = m.score(
        &names::split("Omega Trading"),
        &names::split("ALPHA TRADING"),
    );
    assert!(rare.0 > common.0, "{} vs {}", rare.0, common.0);
}
