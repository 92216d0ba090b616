//! Answer patterns (a question's `validation.pattern`): a small regular
//! expression language whose matching time grows linearly with the answer,
//! whatever the pattern. Matching runs the compiled pattern as a Pike VM:
//! every position of the answer visits each instruction at most once and
//! nothing backtracks, so no pattern can stall the server or a visitor's
//! browser. Patterns are also bounded in size (`MAX_PATTERN_CHARS`,
//! `MAX_PROGRAM`), which bounds the work per character.
//!
//! The pattern must match the whole answer, like HTML's `pattern` attribute.
//! Syntax: literal characters; `.` (any character but a line break);
//! classes `[abc]`, `[a-z0-9]`, `[^…]`; `\d` (0–9), `\w` (a letter or digit of
//! any script, or `_`), `\s` (white space) and their opposites `\D` `\W` `\S`;
//! `\` before punctuation for that character, `\n` and `\t`; groups `(…)` and
//! `(?:…)`; alternatives `a|b`; repeats `*` `+` `?` `{n}` `{n,}` `{n,m}`
//! (counts up to 100; a trailing `?` is accepted and changes nothing); a
//! leading `(?i)` ignores the case of Latin, Greek and Cyrillic letters; `^`
//! first and `$` last change nothing.
//!
//! ```
//! use app::domain::pattern::Pattern;
//! let postcode = Pattern::compile(r"[A-Z]{2}\d{4}").unwrap();
//! assert!(postcode.matches("AB1234"));
//! assert!(!postcode.matches("AB123") && !postcode.matches("xAB1234"));
//! ```

use std::fmt;

pub const MAX_PATTERN_CHARS: usize = 500;
/// Instructions a compiled pattern may have; `(a{100}){100}` is refused.
pub const MAX_PROGRAM: usize = 2_000;
pub const MAX_REPEAT: u32 = 100;
/// Groups nested deeper are refused (the parser recurses once per group).
const MAX_DEPTH: usize = 32;

/// Why a pattern was refused, and where (a character position from 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    pub position: usize,
    pub reason: &'static str,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.reason, self.position)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shorthand {
    Digit,
    Word,
    Space,
}

impl Shorthand {
    fn holds(self, c: char) -> bool {
        match self {
            Shorthand::Digit => c.is_ascii_digit(),
            Shorthand::Word => c.is_alphanumeric() || c == '_',
            Shorthand::Space => c.is_whitespace(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum ClassItem {
    Range(char, char),
    /// `\d` and friends; `true` for the negated form (`\D`).
    Shorthand(Shorthand, bool),
}

/// What one instruction consumes: one character of the answer.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Atom {
    AnyButNewline,
    Char(char),
    Class { negated: bool, items: Vec<ClassItem> },
}

impl Atom {
    fn holds(&self, c: char) -> bool {
        match self {
            Atom::AnyButNewline => c != '\n',
            Atom::Char(expected) => c == *expected,
            Atom::Class { negated, items } => {
                let inside = items.iter().any(|item| match item {
                    ClassItem::Range(lo, hi) => (*lo..=*hi).contains(&c),
                    ClassItem::Shorthand(s, negated) => s.holds(c) != *negated,
                });
                inside != *negated
            }
        }
    }

    /// With `(?i)`: the character, or its other case, is accepted.
    fn holds_ignoring_case(&self, c: char) -> bool {
        self.holds(c) || other_case(c).is_some_and(|o| self.holds(o))
    }
}

/// The other case of a letter in the scripts most surveys are written in:
/// Latin (ASCII, Latin-1, Latin Extended-A), Greek and Cyrillic. By
/// arithmetic rather than Unicode's full case tables, which would add more to
/// the widget's download than the whole pattern engine.
fn other_case(c: char) -> Option<char> {
    let n = c as u32;
    let shifted = |by: i32| char::from_u32((n as i32 + by) as u32);
    match n {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE | 0x391..=0x3A1 | 0x3A3..=0x3AB | 0x410..=0x42F => shifted(32),
        0x61..=0x7A | 0xE0..=0xF6 | 0xF8..=0xFE | 0x3B1..=0x3C1 | 0x3C3..=0x3CB | 0x430..=0x44F => shifted(-32),
        0x3C2 => Some('Σ'), // final sigma
        0x386 => Some('ά'),
        0x3AC => Some('Ά'),
        0x388..=0x38A => shifted(37),
        0x3AD..=0x3AF => shifted(-37),
        0x38C => Some('ό'),
        0x3CC => Some('Ό'),
        0x38E..=0x38F => shifted(63),
        0x3CD..=0x3CE => shifted(-63),
        0x400..=0x40F => shifted(80),
        0x450..=0x45F => shifted(-80),
        // Latin Extended-A: upper and lower case alternate.
        0x100..=0x12F | 0x132..=0x137 | 0x14A..=0x177 => shifted(if n % 2 == 0 { 1 } else { -1 }),
        0x139..=0x148 | 0x179..=0x17E => shifted(if n % 2 == 1 { 1 } else { -1 }),
        _ => None,
    }
}

#[derive(Clone, Debug)]
enum Node {
    Empty,
    Atom(Atom),
    Concat(Vec<Node>),
    Alternatives(Vec<Node>),
    Repeat { node: Box<Node>, min: u32, max: Option<u32> },
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Instruction {
    Consume(Atom),
    /// Continue at both addresses.
    Split(usize, usize),
    Jump(usize),
    Match,
}

/// A compiled pattern, ready to test answers.
#[derive(Clone, Debug)]
pub struct Pattern {
    program: Vec<Instruction>,
    ignore_case: bool,
}

impl Pattern {
    pub fn compile(source: &str) -> Result<Pattern, PatternError> {
        let chars: Vec<char> = source.chars().collect();
        if chars.is_empty() {
            return Err(PatternError { position: 1, reason: "a pattern cannot be empty" });
        }
        if chars.len() > MAX_PATTERN_CHARS {
            return Err(PatternError {
                position: MAX_PATTERN_CHARS + 1,
                reason: "the pattern is too long (500 characters at most)",
            });
        }
        let ignore_case = chars.starts_with(&['(', '?', 'i', ')']);
        let mut parser = Parser { chars: &chars, at: if ignore_case { 4 } else { 0 } };
        let first = parser.at;
        if parser.peek() == Some('^') {
            parser.at += 1;
        }
        let end = match chars.last() {
            Some('$') if chars.len() > first + 1 && !ends_escaped(&chars) => chars.len() - 1,
            _ => chars.len(),
        };
        parser.chars = &chars[..end];
        let node = parser.alternatives(0)?;
        if parser.at < end {
            return Err(parser.error("a ')' closes no group"));
        }
        let mut program = Vec::new();
        emit(&node, &mut program).map_err(|()| PatternError {
            position: 1,
            reason: "the pattern is too large: write fewer or smaller repeats",
        })?;
        program.push(Instruction::Match);
        Ok(Pattern { program, ignore_case })
    }

    /// Whether `text`, as a whole, matches.
    pub fn matches(&self, text: &str) -> bool {
        let mut current = ThreadSet::new(self.program.len());
        let mut next = ThreadSet::new(self.program.len());
        self.follow(&mut current, 0);
        for c in text.chars() {
            if current.list.is_empty() {
                return false;
            }
            next.clear();
            for &pc in &current.list {
                if let Instruction::Consume(atom) = &self.program[pc] {
                    let holds = if self.ignore_case { atom.holds_ignoring_case(c) } else { atom.holds(c) };
                    if holds {
                        self.follow(&mut next, pc + 1);
                    }
                }
            }
            std::mem::swap(&mut current, &mut next);
        }
        current.list.iter().any(|&pc| self.program[pc] == Instruction::Match)
    }

    /// Adds `pc` and everything reachable from it without consuming.
    fn follow(&self, set: &mut ThreadSet, pc: usize) {
        let mut stack = vec![pc];
        while let Some(pc) = stack.pop() {
            if !set.insert(pc) {
                continue;
            }
            match self.program[pc] {
                Instruction::Jump(to) => stack.push(to),
                Instruction::Split(a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                Instruction::Consume(_) | Instruction::Match => {}
            }
        }
    }
}

/// Whether the final `$` is escaped (`\$` is a literal dollar).
fn ends_escaped(chars: &[char]) -> bool {
    chars[..chars.len() - 1].iter().rev().take_while(|c| **c == '\\').count() % 2 == 1
}

/// The instructions alive at one position, each once.
struct ThreadSet {
    seen: Vec<bool>,
    list: Vec<usize>,
}

impl ThreadSet {
    fn new(size: usize) -> Self {
        ThreadSet { seen: vec![false; size], list: Vec::new() }
    }

    fn insert(&mut self, pc: usize) -> bool {
        if self.seen[pc] {
            return false;
        }
        self.seen[pc] = true;
        self.list.push(pc);
        true
    }

    fn clear(&mut self) {
        for pc in self.list.drain(..) {
            self.seen[pc] = false;
        }
    }
}

fn push(program: &mut Vec<Instruction>, instruction: Instruction) -> Result<usize, ()> {
    if program.len() >= MAX_PROGRAM {
        return Err(());
    }
    program.push(instruction);
    Ok(program.len() - 1)
}

fn emit(node: &Node, program: &mut Vec<Instruction>) -> Result<(), ()> {
    match node {
        Node::Empty => {}
        Node::Atom(atom) => {
            push(program, Instruction::Consume(atom.clone()))?;
        }
        Node::Concat(nodes) => {
            for node in nodes {
                emit(node, program)?;
            }
        }
        Node::Alternatives(nodes) => {
            let mut jumps_to_end = Vec::new();
            for (i, node) in nodes.iter().enumerate() {
                if i + 1 == nodes.len() {
                    emit(node, program)?;
                    break;
                }
                let split = push(program, Instruction::Split(0, 0))?;
                emit(node, program)?;
                jumps_to_end.push(push(program, Instruction::Jump(0))?);
                program[split] = Instruction::Split(split + 1, program.len());
            }
            let end = program.len();
            for jump in jumps_to_end {
                program[jump] = Instruction::Jump(end);
            }
        }
        Node::Repeat { node, min, max } => {
            for _ in 0..*min {
                emit(node, program)?;
            }
            match max {
                None => {
                    let split = push(program, Instruction::Split(0, 0))?;
                    emit(node, program)?;
                    push(program, Instruction::Jump(split))?;
                    program[split] = Instruction::Split(split + 1, program.len());
                }
                Some(max) => {
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(push(program, Instruction::Split(0, 0))?);
                        emit(node, program)?;
                    }
                    let end = program.len();
                    for split in splits {
                        program[split] = Instruction::Split(split + 1, end);
                    }
                }
            }
        }
    }
    Ok(())
}

struct Parser<'a> {
    chars: &'a [char],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn error(&self, reason: &'static str) -> PatternError {
        PatternError { position: self.at + 1, reason }
    }

    fn eat(&mut self, c: char) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.at += 1;
        }
        found
    }

    fn alternatives(&mut self, depth: usize) -> Result<Node, PatternError> {
        let mut options = vec![self.sequence(depth)?];
        while self.eat('|') {
            options.push(self.sequence(depth)?);
        }
        Ok(if options.len() == 1 { options.pop().unwrap_or(Node::Empty) } else { Node::Alternatives(options) })
    }

    fn sequence(&mut self, depth: usize) -> Result<Node, PatternError> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom(depth)?;
            items.push(self.repeats(atom)?);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(items),
        })
    }

    fn repeats(&mut self, node: Node) -> Result<Node, PatternError> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => return self.counted(node),
            _ => return Ok(node),
        };
        self.at += 1;
        self.finish_repeat(node, min, max)
    }

    fn finish_repeat(&mut self, node: Node, min: u32, max: Option<u32>) -> Result<Node, PatternError> {
        // A lazy repeat matches the same whole answers as a greedy one.
        self.eat('?');
        if matches!(self.peek(), Some('*' | '+' | '?' | '{')) {
            return Err(self.error("a repeat cannot follow a repeat; use a group"));
        }
        Ok(Node::Repeat { node: Box::new(node), min, max })
    }

    fn counted(&mut self, node: Node) -> Result<Node, PatternError> {
        let start = self.at;
        self.at += 1;
        let min = self
            .count()?
            .ok_or_else(|| PatternError { position: start + 1, reason: "write {n}, {n,} or {n,m}; \\{ for a brace" })?;
        let max = if self.eat(',') { self.count()? } else { Some(min) };
        if !self.eat('}') {
            return Err(self.error("a '{' repeat is not closed with '}'"));
        }
        if max.is_some_and(|max| max < min) {
            return Err(PatternError { position: start + 1, reason: "in {n,m}, m must not be less than n" });
        }
        self.finish_repeat(node, min, max)
    }

    fn count(&mut self) -> Result<Option<u32>, PatternError> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        if start == self.at {
            return Ok(None);
        }
        let digits: String = self.chars[start..self.at].iter().collect();
        match digits.parse::<u32>() {
            Ok(n) if n <= MAX_REPEAT => Ok(Some(n)),
            _ => Err(PatternError { position: start + 1, reason: "a repeat count is at most 100" }),
        }
    }

    fn atom(&mut self, depth: usize) -> Result<Node, PatternError> {
        let Some(c) = self.peek() else { return Err(self.error("the pattern ends too early")) };
        self.at += 1;
        Ok(match c {
            '(' => {
                if depth >= MAX_DEPTH {
                    return Err(self.error("groups are nested too deeply"));
                }
                if self.eat('?') && !self.eat(':') {
                    return Err(self.error("only (?: … ) groups, and (?i) at the very start, are supported"));
                }
                let inner = self.alternatives(depth + 1)?;
                if !self.eat(')') {
                    return Err(self.error("a '(' is not closed with ')'"));
                }
                inner
            }
            '[' => Node::Atom(self.class()?),
            '.' => Node::Atom(Atom::AnyButNewline),
            '\\' => Node::Atom(self.escape(false)?.into_atom()),
            '*' | '+' | '?' | '{' => {
                self.at -= 1;
                return Err(self.error("nothing to repeat; write \\ before the character for itself"));
            }
            '^' | '$' => {
                self.at -= 1;
                return Err(self.error("^ may only begin and $ only end the pattern"));
            }
            c => Node::Atom(Atom::Char(c)),
        })
    }

    fn escape(&mut self, in_class: bool) -> Result<Escaped, PatternError> {
        let Some(c) = self.peek() else { return Err(self.error("a pattern cannot end with \\")) };
        self.at += 1;
        Ok(match c {
            'd' => Escaped::Shorthand(Shorthand::Digit, false),
            'D' => Escaped::Shorthand(Shorthand::Digit, true),
            'w' => Escaped::Shorthand(Shorthand::Word, false),
            'W' => Escaped::Shorthand(Shorthand::Word, true),
            's' => Escaped::Shorthand(Shorthand::Space, false),
            'S' => Escaped::Shorthand(Shorthand::Space, true),
            'n' => Escaped::Char('\n'),
            't' => Escaped::Char('\t'),
            c if c.is_ascii_punctuation() || (in_class && c == ' ') => Escaped::Char(c),
            _ => {
                self.at -= 1;
                return Err(self.error("unknown escape; \\ goes before punctuation or d, w, s, n, t"));
            }
        })
    }

    fn class(&mut self) -> Result<Atom, PatternError> {
        let open = self.at;
        let negated = self.eat('^');
        let mut items = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(PatternError { position: open, reason: "a '[' is not closed with ']'" });
            };
            self.at += 1;
            let low = match c {
                ']' if items.is_empty() => {
                    return Err(self.error("an empty class matches nothing; write \\] for a bracket"))
                }
                ']' => break,
                '\\' => match self.escape(true)? {
                    Escaped::Shorthand(s, negated) => {
                        items.push(ClassItem::Shorthand(s, negated));
                        continue;
                    }
                    Escaped::Char(c) => c,
                },
                c => c,
            };
            // `a-z` is a range; a '-' before ']' is itself.
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|c| *c != ']') {
                self.at += 1;
                let high = match self.peek() {
                    Some('\\') => {
                        self.at += 1;
                        match self.escape(true)? {
                            Escaped::Char(c) => c,
                            Escaped::Shorthand(..) => return Err(self.error("a range cannot end with \\d, \\w or \\s")),
                        }
                    }
                    Some(c) => {
                        self.at += 1;
                        c
                    }
                    None => return Err(self.error("a '[' is not closed with ']'")),
                };
                if high < low {
                    return Err(self.error("a range goes from the lower character to the higher"));
                }
                items.push(ClassItem::Range(low, high));
            } else {
                items.push(ClassItem::Range(low, low));
            }
        }
        Ok(Atom::Class { negated, items })
    }
}

enum Escaped {
    Char(char),
    Shorthand(Shorthand, bool),
}

impl Escaped {
    fn into_atom(self) -> Atom {
        match self {
            Escaped::Char(c) => Atom::Char(c),
            Escaped::Shorthand(s, negated) => {
                Atom::Class { negated: false, items: vec![ClassItem::Shorthand(s, negated)] }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(pattern: &str, text: &str) -> bool {
        Pattern::compile(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}")).matches(text)
    }

    fn refusal(pattern: &str) -> PatternError {
        Pattern::compile(pattern).expect_err(pattern)
    }

    #[test]
    fn the_whole_answer_must_match() {
        assert!(accepts("abc", "abc"));
        assert!(!accepts("abc", "abcd"));
        assert!(!accepts("abc", "xabc"));
        assert!(accepts("^abc$", "abc"));
        assert!(!accepts("^abc$", "abcc"));
        assert!(accepts(r"price\$", "price$"));
    }

    #[test]
    fn classes_and_shorthands() {
        assert!(accepts(r"[A-Z]{2}\d{4}", "AB1234"));
        assert!(!accepts(r"[A-Z]{2}\d{4}", "AB123"));
        assert!(accepts(r"[^0-9]+", "abc"));
        assert!(!accepts(r"[^0-9]+", "ab1"));
        assert!(accepts(r"\w+", "Ωμέγα_9"));
        assert!(!accepts(r"\w+", "a-b"));
        assert!(accepts(r"[\w-]+", "a-b"));
        assert!(accepts(r"\S+\s\S+", "two words"));
        assert!(accepts(r"[\d.]+", "1.5"));
        assert!(accepts(r"a.c", "a€c"));
        assert!(!accepts(r"a.c", "a\nc"));
        assert!(accepts(r"[a\]]+", "a]a"));
    }

    #[test]
    fn repeats_alternatives_and_groups() {
        assert!(accepts("(ab)+", "ababab"));
        assert!(!accepts("(ab)+", ""));
        assert!(accepts("(?:ab)*", ""));
        assert!(accepts("colou?r", "color"));
        assert!(accepts("colou?r", "colour"));
        assert!(accepts("cat|dog|bird", "dog"));
        assert!(!accepts("cat|dog", "cats"));
        assert!(accepts(r"\d{2,}", "12345"));
        assert!(!accepts(r"\d{2,}", "1"));
        assert!(accepts(r"\d{2,3}", "123"));
        assert!(!accepts(r"\d{2,3}", "1234"));
        assert!(accepts(r"a{0}b", "b"));
        assert!(accepts(r"a+?b", "aab"));
        assert!(accepts(r"(|a)b", "b"));
    }

    #[test]
    fn case_can_be_ignored() {
        assert!(accepts("(?i)[a-z]+", "HeLLo"));
        assert!(accepts("(?i)αβγ", "ΑΒΓ"));
        assert!(accepts("(?i)καλημέρα", "ΚΑΛΗΜΈΡΑ"));
        assert!(accepts("(?i)[а-я]+", "ПРИВЕТ"));
        assert!(accepts("(?i)ÉLAN", "élan"));
        assert!(accepts("(?i)łódź", "ŁÓDŹ"));
        assert!(!accepts("(?i)a", "b"));
        assert!(!accepts("[a-z]+", "Hello"));
    }

    #[test]
    fn patterns_that_backtrack_elsewhere_finish_here() {
        // Exponential for a backtracking engine; linear here.
        let evil = Pattern::compile("(a*)*b").unwrap();
        assert!(!evil.matches(&"a".repeat(10_000)));
        let nested = Pattern::compile("(a|a?)+c").unwrap();
        assert!(!nested.matches(&"a".repeat(10_000)));
        assert!(nested.matches(&format!("{}c", "a".repeat(10_000))));
    }

    #[test]
    fn refusals_say_what_and_where() {
        assert_eq!(refusal("(ab").reason, "a '(' is not closed with ')'");
        assert_eq!(refusal("ab)").position, 3);
        assert_eq!(refusal("*a").position, 1);
        assert_eq!(refusal("a**").reason, "a repeat cannot follow a repeat; use a group");
        assert_eq!(refusal("[z-a]").reason, "a range goes from the lower character to the higher");
        assert_eq!(refusal("[abc").reason, "a '[' is not closed with ']'");
        assert_eq!(refusal("a{3,1}").reason, "in {n,m}, m must not be less than n");
        assert_eq!(refusal("a{101}").reason, "a repeat count is at most 100");
        assert_eq!(refusal(r"\q").position, 2);
        assert_eq!(refusal("a^b").position, 2);
        assert_eq!(refusal("(?=a)").position, 3);
        assert!(refusal("(a{100}){100}").reason.starts_with("the pattern is too large"));
        assert!(refusal(&"a".repeat(501)).reason.starts_with("the pattern is too long"));
        assert!(refusal(&format!("{}a{}", "(".repeat(40), ")".repeat(40))).reason.contains("nested"));
        assert_eq!(refusal("").reason, "a pattern cannot be empty");
        assert_eq!(refusal("a{2").reason, "a '{' repeat is not closed with '}'");
        assert_eq!(refusal("a{x}").position, 2);
        assert_eq!(refusal("{2}").position, 1);
    }

    #[test]
    fn the_other_case_agrees_with_unicode_where_it_answers() {
        for c in (0u32..0x500).filter_map(char::from_u32) {
            if let Some(o) = other_case(c) {
                let unicode: Vec<char> =
                    if c.is_lowercase() { c.to_uppercase().collect() } else { c.to_lowercase().collect() };
                // Final sigma's upper case is Σ, whose lower case is σ.
                assert!(unicode == [o] || c == 'ς', "{c} ↔ {o} (Unicode says {unicode:?})");
            }
        }
    }

    #[test]
    fn programs_stay_within_their_bound() {
        let largest = Pattern::compile(&format!("(?:[a-z]{{{MAX_REPEAT}}}){{19}}")).unwrap();
        assert!(largest.program.len() <= MAX_PROGRAM);
    }
}
