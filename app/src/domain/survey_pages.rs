//! Pages: several questions on one step. A page names consecutive questions
//! of the survey; the widget shows a page at a time, and a question on no
//! page is a step of its own. On a page, each question's `showIf` looks only
//! at what came before the page (the page shows as a whole), and the logic of
//! its questions runs once the visitor leaves it, in the survey's order, so
//! the order a shuffled page is shown in never changes where logic leads.

use super::error::Problems;
use super::question_kind::is_valid_key;
use super::survey::Question;
use serde::{Deserialize, Serialize};

pub const MAX_PAGES: usize = 50;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ssr", schema(example = json!({"id": "about-you", "questions": ["q3", "q4", "q5"], "shuffle": true})))]
#[serde(rename_all = "camelCase")]
pub struct Page {
    pub id: String,
    /// Question ids, consecutive and in the survey's order.
    pub questions: Vec<String>,
    /// Shows the page's questions in a random order, the same for one
    /// respondent across reloads.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shuffle: bool,
}

/// The steps of a survey as index ranges of its questions: a page's
/// questions together, every other question alone.
#[derive(Clone, Debug, PartialEq)]
pub struct Steps {
    /// By question index: the first and last index of its step.
    bounds: Vec<(usize, usize)>,
    /// By question index: the page it is on.
    pages: Vec<Option<usize>>,
}

impl Steps {
    /// For a definition whose pages passed `validate`; anything else (a
    /// page naming unknown or scattered questions) counts as no page.
    pub fn of(questions: &[Question], pages: &[Page]) -> Steps {
        let mut steps =
            Steps { bounds: (0..questions.len()).map(|i| (i, i)).collect(), pages: vec![None; questions.len()] };
        for (p, page) in pages.iter().enumerate() {
            let indexes: Vec<usize> =
                page.questions.iter().filter_map(|id| questions.iter().position(|q| q.id == *id)).collect();
            let (Some(first), Some(last)) = (indexes.iter().min().copied(), indexes.iter().max().copied()) else {
                continue;
            };
            let whole = last - first + 1 == indexes.len() && (first..=last).all(|i| steps.pages[i].is_none());
            if whole {
                for i in first..=last {
                    steps.bounds[i] = (first, last);
                    steps.pages[i] = Some(p);
                }
            }
        }
        steps
    }

    /// The first and last question index of question `i`'s step.
    pub fn bounds(&self, i: usize) -> (usize, usize) {
        self.bounds.get(i).copied().unwrap_or((i, i))
    }

    /// The index of the page question `i` is on, if any.
    pub fn page(&self, i: usize) -> Option<usize> {
        self.pages.get(i).copied().flatten()
    }
}

/// The questions a walk asks (`path`), step by step: consecutive ones on
/// one page together.
pub fn group(questions: &[Question], pages: &[Page], path: &[usize]) -> Vec<Vec<usize>> {
    let steps = Steps::of(questions, pages);
    let mut grouped: Vec<Vec<usize>> = Vec::new();
    for &i in path {
        match grouped.last_mut() {
            Some(step) if step.last().is_some_and(|&j| steps.bounds(j).0 == steps.bounds(i).0) => step.push(i),
            _ => grouped.push(vec![i]),
        }
    }
    grouped
}

/// The first question index of page `id`, if it has one.
pub fn page_start(questions: &[Question], pages: &[Page], id: &str) -> Option<usize> {
    let page = pages.iter().find(|p| p.id == id)?;
    page.questions.iter().filter_map(|q| questions.iter().position(|x| x.id == *q)).min()
}

/// Pages must name existing questions, each on one page only, consecutive
/// and in the survey's order.
pub fn validate(problems: &mut Problems, questions: &[Question], pages: &[Page]) {
    if pages.len() > MAX_PAGES {
        problems.add("pages", format!("at most {MAX_PAGES} pages"));
        return;
    }
    let mut seen_pages = std::collections::HashSet::new();
    let mut placed: Vec<Option<usize>> = vec![None; questions.len()];
    for (p, page) in pages.iter().enumerate() {
        let at = |f: &str| format!("pages[{p}].{f}");
        if !is_valid_key(&page.id) {
            problems.add(at("id"), "1–64 letters, digits, '-' or '_'");
        } else if !seen_pages.insert(page.id.as_str()) {
            problems.add(at("id"), "duplicate page id");
        }
        if page.questions.is_empty() {
            problems.add(at("questions"), "a page needs at least one question");
            continue;
        }
        let mut indexes = Vec::new();
        for (k, id) in page.questions.iter().enumerate() {
            match questions.iter().position(|q| q.id == *id) {
                None => problems.add(format!("pages[{p}].questions[{k}]"), "no such question"),
                Some(i) if placed[i].is_some() => {
                    problems.add(format!("pages[{p}].questions[{k}]"), "this question is on another page already")
                }
                Some(i) => {
                    placed[i] = Some(p);
                    indexes.push(i);
                }
            }
        }
        let in_order = indexes.windows(2).all(|w| w[1] == w[0] + 1);
        if !in_order {
            problems.add(at("questions"), "must be consecutive questions, in the survey's order");
        }
    }
}

/// Keeps the builder's pages true to its questions after a question is
/// removed or moved: unknown ids go, each page follows the survey's order and
/// splits where its questions no longer meet (the first part keeps the id),
/// and pages of fewer than two questions (that shuffle nothing) go.
pub fn tidy(questions: &[Question], pages: &mut Vec<Page>) {
    let mut tidied: Vec<Page> = Vec::new();
    let mut used: Vec<String> = pages.iter().map(|p| p.id.clone()).collect();
    for page in pages.iter() {
        let mut indexes: Vec<usize> =
            page.questions.iter().filter_map(|id| questions.iter().position(|q| q.id == *id)).collect();
        indexes.sort_unstable();
        indexes.dedup();
        let mut runs: Vec<Vec<usize>> = Vec::new();
        for i in indexes {
            match runs.last_mut() {
                Some(run) if i > 0 && run.last() == Some(&(i - 1)) => run.push(i),
                _ => runs.push(vec![i]),
            }
        }
        for (r, run) in runs.into_iter().enumerate() {
            // A page of one shuffles nothing; it stays only where a jump lands on it.
            if run.len() < 2 && !(r == 0 && jumped_to(questions, &page.id)) {
                continue;
            }
            let id = if r == 0 { page.id.clone() } else { fresh_page_id(&used) };
            used.push(id.clone());
            tidied.push(Page { id, questions: run.iter().map(|i| questions[*i].id.clone()).collect(), ..page.clone() });
        }
    }
    tidied.sort_by_key(|p| questions.iter().position(|q| q.id == p.questions[0]));
    *pages = tidied;
}

/// Moves question `from` one place up or down, for the builder: on its own
/// page it trades places with its neighbour; next to another page it passes
/// that whole page, so moving never cuts a page in two.
pub fn move_question(questions: &mut Vec<Question>, pages: &[Page], from: usize, up: bool) {
    let Some(to) = (if up { from.checked_sub(1) } else { Some(from + 1) }).filter(|t| *t < questions.len()) else {
        return;
    };
    let steps = Steps::of(questions, pages);
    let landing = match steps.page(to) {
        Some(other) if steps.page(from) != Some(other) => {
            let (first, last) = steps.bounds(to);
            if up {
                first
            } else {
                last
            }
        }
        _ => to,
    };
    let question = questions.remove(from);
    questions.insert(landing, question);
}

/// `p1`, `p2`, …: the first not in `used`.
pub fn fresh_page_id(used: &[String]) -> String {
    (1..).map(|n| format!("p{n}")).find(|id| !used.contains(id)).unwrap_or_default()
}

fn jumped_to(questions: &[Question], page: &str) -> bool {
    let actions = questions.iter().flat_map(|q| &q.logic).flat_map(|rule| &rule.actions);
    actions.into_iter().any(|a| matches!(a, super::logic::Action::Jump { page: Some(p), .. } if p == page))
}

/// Puts question `i` on the page of the question before it (or starts a
/// page of the two), or takes it and the questions after it on that page
/// off to a page of their own: the builder's "same page as the question before".
pub fn join_previous(questions: &[Question], pages: &mut Vec<Page>, i: usize, join: bool) {
    if i == 0 || i >= questions.len() {
        return;
    }
    let steps = Steps::of(questions, pages);
    let (previous, this) = (questions[i - 1].id.clone(), questions[i].id.clone());
    if join {
        match (steps.page(i - 1), steps.page(i)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(a), other) => {
                // This question's own page (if any) merges into the one before.
                let moving: Vec<String> = match other {
                    Some(b) => std::mem::take(&mut pages[b].questions),
                    None => vec![this],
                };
                pages[a].questions.extend(moving);
            }
            (None, Some(b)) => pages[b].questions.insert(0, previous),
            (None, None) => {
                let used: Vec<String> = pages.iter().map(|p| p.id.clone()).collect();
                pages.push(Page { id: fresh_page_id(&used), questions: vec![previous, this], shuffle: false });
            }
        }
    } else if let Some(p) = steps.page(i) {
        let at = pages[p].questions.iter().position(|q| *q == this).unwrap_or(0);
        let rest = pages[p].questions.split_off(at);
        let used: Vec<String> = pages.iter().map(|p| p.id.clone()).collect();
        pages.push(Page { id: fresh_page_id(&used), questions: rest, shuffle: pages[p].shuffle });
    }
    tidy(questions, pages);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn questions(n: usize) -> Vec<Question> {
        (1..=n)
            .map(|i| serde_json::from_value(json!({"id": format!("q{i}"), "type": "nps", "title": "?"})).unwrap())
            .collect()
    }

    fn page(id: &str, ids: &[&str]) -> Page {
        Page { id: id.into(), questions: ids.iter().map(|s| s.to_string()).collect(), shuffle: false }
    }

    fn fields(questions: &[Question], pages: &[Page]) -> Vec<String> {
        let mut problems = Problems::default();
        validate(&mut problems, questions, pages);
        match problems.into_result() {
            Err(crate::domain::AppError::Validation { errors }) => errors.into_iter().map(|e| e.field).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn steps_group_a_page_and_leave_the_rest_alone() {
        let qs = questions(5);
        let steps = Steps::of(&qs, &[page("a", &["q2", "q3", "q4"])]);
        assert_eq!(
            (steps.bounds(0), steps.bounds(1), steps.bounds(3), steps.bounds(4)),
            ((0, 0), (1, 3), (1, 3), (4, 4))
        );
        assert_eq!((steps.page(0), steps.page(2)), (None, Some(0)));
        assert_eq!(page_start(&qs, &[page("a", &["q2", "q3"])], "a"), Some(1));
        assert_eq!(page_start(&qs, &[page("a", &["q2", "q3"])], "b"), None);
        let pages = [page("a", &["q2", "q3", "q4"])];
        assert_eq!(group(&qs, &pages, &[0, 1, 3, 4]), vec![vec![0], vec![1, 3], vec![4]]);
        assert_eq!(group(&qs, &[], &[0, 1, 3]), vec![vec![0], vec![1], vec![3]]);
    }

    #[test]
    fn pages_must_be_consecutive_known_and_unique() {
        let qs = questions(5);
        assert!(fields(&qs, &[page("a", &["q1", "q2"]), page("b", &["q4", "q5"])]).is_empty());
        assert_eq!(fields(&qs, &[page("a", &["q1", "q3"])]), ["pages[0].questions"]);
        assert_eq!(fields(&qs, &[page("a", &["q2", "q1"])]), ["pages[0].questions"]);
        assert_eq!(fields(&qs, &[page("a", &["q1", "q9"])]), ["pages[0].questions[1]"]);
        assert_eq!(
            fields(&qs, &[page("a", &["q1", "q2"]), page("a", &["q2", "q3"])]),
            ["pages[1].id", "pages[1].questions[0]"]
        );
        assert_eq!(fields(&qs, &[page("bad id", &["q1"]), page("e", &[])]), ["pages[0].id", "pages[1].questions"]);
    }

    #[test]
    fn joining_and_leaving_the_page_before() {
        let qs = questions(5);
        let mut pages = Vec::new();
        join_previous(&qs, &mut pages, 1, true);
        assert_eq!(pages, [page("p1", &["q1", "q2"])]);
        join_previous(&qs, &mut pages, 2, true);
        join_previous(&qs, &mut pages, 3, true);
        assert_eq!(pages, [page("p1", &["q1", "q2", "q3", "q4"])]);
        // Leaving from q3: q3 and q4 make a page of their own.
        join_previous(&qs, &mut pages, 2, false);
        assert_eq!(pages, [page("p1", &["q1", "q2"]), page("p2", &["q3", "q4"])]);
        // Joining again merges the two.
        join_previous(&qs, &mut pages, 2, true);
        assert_eq!(pages, [page("p1", &["q1", "q2", "q3", "q4"])]);
        // Leaving from the second question leaves a page of one: it goes.
        join_previous(&qs, &mut pages, 1, false);
        assert_eq!(pages, [page("p2", &["q2", "q3", "q4"])]);
    }

    #[test]
    fn moving_passes_a_whole_page_and_stays_within_its_own() {
        let ids = |qs: &[Question]| qs.iter().map(|q| q.id.clone()).collect::<Vec<_>>();
        let pages = [page("a", &["q2", "q3"])];
        let mut qs = questions(4);
        move_question(&mut qs, &pages, 0, false);
        assert_eq!(ids(&qs), ["q2", "q3", "q1", "q4"], "down past the page");
        let mut qs = questions(4);
        move_question(&mut qs, &pages, 3, true);
        assert_eq!(ids(&qs), ["q1", "q4", "q2", "q3"], "up past the page");
        let mut qs = questions(4);
        move_question(&mut qs, &pages, 1, false);
        assert_eq!(ids(&qs), ["q1", "q3", "q2", "q4"], "within the page");
        let mut qs = questions(4);
        move_question(&mut qs, &pages, 0, true);
        move_question(&mut qs, &pages, 3, false);
        assert_eq!(ids(&qs), ["q1", "q2", "q3", "q4"], "nothing beyond the ends");
    }

    #[test]
    fn a_page_of_one_stays_where_a_jump_lands_on_it() {
        let mut qs = questions(4);
        qs[0].logic = serde_json::from_value(json!([{"actions": [{"type": "jump", "page": "a"}]}])).unwrap();
        let mut pages = vec![page("a", &["q3", "q4"]), page("b", &["q1", "q2"])];
        qs.remove(3);
        qs.remove(1);
        tidy(&qs, &mut pages);
        assert_eq!(pages, [page("a", &["q3"])]);
    }

    #[test]
    fn tidying_follows_removed_and_moved_questions() {
        let mut qs = questions(5);
        let mut pages = vec![page("a", &["q1", "q2", "q3"]), page("b", &["q4", "q5"])];
        qs.remove(1);
        tidy(&qs, &mut pages);
        assert_eq!(pages, [page("a", &["q1", "q3"]), page("b", &["q4", "q5"])]);
        // q5 moved to the top: b splits, and its part of one goes.
        let q5 = qs.pop().unwrap();
        qs.insert(0, q5);
        tidy(&qs, &mut pages);
        assert_eq!(pages, [page("a", &["q1", "q3"])]);
    }
}
