//! Randomised order that stays the same for one respondent.
//!
//! A question with `shuffle` shows its choices (a matrix: its rows), and a
//! page with `shuffle` its questions, in an order drawn from the respondent's
//! seed, the survey and the question (or page), so a
//! reload, a no-JavaScript post and the hydrated widget all show the same
//! order. The server arranges the survey before rendering it; the widget
//! shows what it is given and needs none of this code. Anchored choices
//! ("None of the above", "Don't know") keep the place the author gave them,
//! and "Other" is always shown last.

use super::survey::PublicSurvey;

/// A respondent's shuffle seed: up to 16 hex digits, kept in a cookie on the
/// survey page and, for embedded surveys, by the embed loader on the host
/// site (which writes the time of the visitor's first visit: any value does).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Seed(u64);

impl Seed {
    pub fn new(value: u64) -> Seed {
        Seed(value)
    }

    /// 1–16 hex digits; anything else is not a seed.
    pub fn parse(text: &str) -> Option<Seed> {
        if text.is_empty() || text.len() > 16 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u64::from_str_radix(text, 16).ok().map(Seed)
    }

    pub fn to_hex(self) -> String {
        format!("{:016x}", self.0)
    }
}

/// SplitMix64: a tiny, well-mixed generator. Unpredictability does not
/// matter here, only an even spread and the same sequence on every run.
struct Stream(u64);

impl Stream {
    fn new(seed: Seed, salt: &[&str]) -> Stream {
        // FNV-1a over the salt, so each survey and question draws its own order.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for part in salt {
            for byte in part.bytes().chain([0xff]) {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        Stream(seed.0 ^ hash)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (n ≥ 1); the multiply-shift keeps the bias far
    /// below anything a survey could show.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }
}

/// The order to show `anchored.len()` items in: the index of the item shown
/// at each place. Anchored items stay at their own place; the others are
/// shuffled among the remaining places (Fisher–Yates).
pub fn order(seed: Seed, salt: &[&str], anchored: &[bool]) -> Vec<usize> {
    let mut stream = Stream::new(seed, salt);
    let mut free: Vec<usize> = (0..anchored.len()).filter(|i| !anchored[*i]).collect();
    for i in (1..free.len()).rev() {
        let j = stream.below(i + 1);
        free.swap(i, j);
    }
    let mut free = free.into_iter();
    (0..anchored.len()).map(|place| if anchored[place] { place } else { free.next().unwrap_or(place) }).collect()
}

fn arrange<T: Clone>(items: &mut Vec<T>, order: &[usize]) {
    *items = order.iter().filter_map(|i| items.get(*i).cloned()).collect();
}

impl PublicSurvey {
    /// The survey with every shuffled question's choices (a matrix's rows) in
    /// this respondent's order.
    pub fn arranged_for(mut self, seed: Seed) -> PublicSurvey {
        use super::question_kind::QuestionKind;
        for question in self.questions.iter_mut().filter(|q| q.shuffle) {
            let salt = [self.id.as_str(), question.id.as_str()];
            match &mut question.kind {
                QuestionKind::Matrix { rows, .. } => {
                    let places = order(seed, &salt, &vec![false; rows.len()]);
                    arrange(rows, &places);
                }
                kind => {
                    if let Some(choices) = kind.choices_mut() {
                        let anchored: Vec<bool> = choices.iter().map(|c| c.anchored).collect();
                        let places = order(seed, &salt, &anchored);
                        arrange(choices, &places);
                    }
                }
            }
        }
        // A shuffled page's questions, among themselves. The page keeps its
        // list in the survey's order: the logic runs in that order (`walk`).
        for page in self.options.pages.iter().filter(|p| p.shuffle) {
            let at: Vec<usize> =
                page.questions.iter().filter_map(|id| self.questions.iter().position(|q| q.id == *id)).collect();
            let (Some(&first), Some(&last)) = (at.iter().min(), at.iter().max()) else { continue };
            if last - first + 1 != at.len() {
                continue;
            }
            let places = order(seed, &[self.id.as_str(), "page", page.id.as_str()], &vec![false; at.len()]);
            arrange_slice(&mut self.questions[first..=last], &places);
        }
        self
    }
}

fn arrange_slice<T: Clone>(items: &mut [T], order: &[usize]) {
    let before = items.to_vec();
    for (place, from) in order.iter().enumerate() {
        if let (Some(slot), Some(item)) = (items.get_mut(place), before.get(*from)) {
            *slot = item.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::survey::{Choice, PublicSurvey, Question, QuestionKind};
    use serde_json::json;

    fn is_permutation(order: &[usize]) -> bool {
        let mut sorted = order.to_vec();
        sorted.sort_unstable();
        sorted == (0..order.len()).collect::<Vec<_>>()
    }

    #[test]
    fn seeds_read_back_and_nothing_else_is_a_seed() {
        let seed = Seed::new(0x0123_4567_89ab_cdef);
        assert_eq!(seed.to_hex(), "0123456789abcdef");
        assert_eq!(Seed::parse(&seed.to_hex()), Some(seed));
        assert_eq!(Seed::parse("1765123456789"), Some(Seed::new(0x1765123456789)), "the loader's first-visit time");
        for bad in ["", "0123456789abcdeg", "0123456789abcdef0", "+123456789abcdef", "+1", "ünicode🙂"] {
            assert_eq!(Seed::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_order_and_others_differ() {
        let free = vec![false; 10];
        let a = order(Seed::new(1), &["srv", "q1"], &free);
        assert!(is_permutation(&a));
        assert_eq!(a, order(Seed::new(1), &["srv", "q1"], &free));
        assert_ne!(a, order(Seed::new(2), &["srv", "q1"], &free));
        assert_ne!(a, order(Seed::new(1), &["srv", "q2"], &free));
        // The salt's parts are separated: ("ab","c") is not ("a","bc").
        assert_ne!(order(Seed::new(1), &["ab", "c"], &free), order(Seed::new(1), &["a", "bc"], &free));
    }

    #[test]
    fn anchored_items_keep_their_place() {
        let anchored = [false, false, true, false, false, true];
        for s in 0..200 {
            let o = order(Seed::new(s), &["srv", "q"], &anchored);
            assert!(is_permutation(&o));
            assert_eq!((o[2], o[5]), (2, 5));
        }
        assert_eq!(order(Seed::new(7), &["x"], &[]), Vec::<usize>::new());
        assert_eq!(order(Seed::new(7), &["x"], &[true, true]), vec![0, 1]);
    }

    #[test]
    fn every_order_turns_up_about_equally_often() {
        // 3 items: 6 orders, each expected 1000 times in 6000 seeds.
        let mut counts = std::collections::HashMap::new();
        for s in 0..6000u64 {
            *counts.entry(order(Seed::new(s.wrapping_mul(0x9e37_79b9)), &["srv", "q"], &[false; 3])).or_insert(0) += 1;
        }
        assert_eq!(counts.len(), 6);
        assert!(counts.values().all(|n| (850..1150).contains(n)), "{counts:?}");
    }

    #[test]
    fn a_survey_is_arranged_per_question_only_where_asked() {
        let choices: Vec<Choice> = (1..=8).map(|i| Choice::new(format!("c{i}"), format!("C{i}"))).collect();
        let mut none = choices.clone();
        none.push(Choice { anchored: true, ..Choice::new("none", "None of the above") });
        let q = |id: &str, shuffle: bool, choices: Vec<Choice>| -> Question {
            let mut q: Question =
                serde_json::from_value(json!({"id": id, "type": "multiple_choice", "title": "?", "choices": []}))
                    .unwrap();
            q.kind = QuestionKind::MultipleChoice { choices, allow_other: true };
            q.shuffle = shuffle;
            q
        };
        let mut matrix: Question =
            serde_json::from_value(json!({"id": "m", "type": "matrix", "title": "?", "shuffle": true,
            "rows": (1..=6).map(|i| json!({"id": format!("r{i}"), "label": "R"})).collect::<Vec<_>>(),
            "columns": [{"id": "y", "label": "Y"}, {"id": "n", "label": "N"}]}))
            .unwrap();
        matrix.required = true;
        let survey = PublicSurvey {
            id: "srv_1".into(),
            name: "S".into(),
            status: crate::domain::survey::SurveyStatus::Published,
            questions: vec![q("kept", false, choices.clone()), q("mixed", true, none.clone()), matrix],
            options: Default::default(),
            language: "en".into(),
            organization_sites: Vec::new(),
        };
        let ids = |s: &PublicSurvey, i: usize| -> Vec<String> {
            match &s.questions[i].kind {
                QuestionKind::Matrix { rows, .. } => rows.iter().map(|r| r.id.clone()).collect(),
                kind => kind.choices().unwrap().iter().map(|c| c.id.clone()).collect(),
            }
        };
        let a = survey.clone().arranged_for(Seed::new(42));
        assert_eq!(ids(&a, 0), ids(&survey, 0), "a question without shuffle keeps its order");
        assert_ne!(ids(&a, 1), ids(&survey, 1));
        assert_eq!(ids(&a, 1).last().map(String::as_str), Some("none"), "anchored stays last");
        assert_ne!(ids(&a, 2), ids(&survey, 2), "matrix rows are shuffled");
        assert_eq!(a, survey.clone().arranged_for(Seed::new(42)));
        let mut sorted = ids(&a, 1);
        sorted.sort();
        let mut original = ids(&survey, 1);
        original.sort();
        assert_eq!(sorted, original, "nothing lost or doubled");
    }
}
