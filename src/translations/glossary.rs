//! Marking glossary terms in a source text: case-insensitive, on word boundaries,
//! Unicode-safe, in one pass over the text (Aho–Corasick), so the cost grows linearly with
//! the text for a given glossary.
//!
//! The text is lower-cased character by character and every run of white space becomes one
//! space (terms are stored that way, [`super::model::term_key`]), keeping a map back to the
//! original characters; offsets are counted in Unicode code points of the original text.
//! A match must not continue a word on either side (a letter or digit just before or after
//! it). Where matches overlap, the one that starts first wins, and of those the longest.
//! Scripts written without spaces between words (Thai, Lao, Khmer, Burmese, Chinese,
//! Japanese) rarely have such boundaries: their terms are found only where one is.

use aho_corasick::{AhoCorasick, MatchKind};

/// A term found in a text: which term, and where (code points, end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// Index of the term in the list searched for.
    pub term: usize,
    pub start: usize,
    pub end: usize,
}

/// The text folded for matching, with, for each byte of it, the original character index
/// where a folded character starts (`starts`) or ends (`ends`), `u32::MAX` elsewhere.
struct Folded {
    text: String,
    starts: Vec<u32>,
    ends: Vec<u32>,
}

const NONE: u32 = u32::MAX;

fn fold(text: &str) -> Folded {
    let mut out = String::with_capacity(text.len());
    let mut starts: Vec<u32> = Vec::with_capacity(text.len() + 1);
    // `ends[b]`: the original character index where the folded text up to byte `b` ends.
    let mut ends: Vec<u32> = Vec::with_capacity(text.len() + 1);
    ends.push(0);
    let mut run_end: Option<usize> = None;
    let mut count: u32 = 0;
    for c in text.chars() {
        let index = count;
        count = count.saturating_add(1);
        if c.is_whitespace() {
            if run_end.is_none() {
                starts.push(index);
                out.push(' ');
                ends.push(NONE);
                run_end = Some(ends.len() - 1);
            }
            continue;
        }
        if let Some(slot) = run_end.take() {
            ends[slot] = index;
        }
        let before = out.len();
        for lower in c.to_lowercase() {
            out.push(lower);
        }
        let width = out.len() - before;
        starts.push(index);
        starts.extend(std::iter::repeat_n(NONE, width - 1));
        ends.extend(std::iter::repeat_n(NONE, width - 1));
        ends.push(count);
    }
    if let Some(slot) = run_end {
        ends[slot] = count;
    }
    starts.push(count);
    Folded {
        text: out,
        starts,
        ends,
    }
}

/// A folded term: lower case, single spaces.
pub fn fold_term(term: &str) -> String {
    fold(term.trim()).text
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// Where `terms` occur in `text` (see the module's rules), in order.
pub fn find_terms(text: &str, terms: &[&str]) -> Vec<Found> {
    let patterns: Vec<String> = terms.iter().map(|t| fold_term(t)).collect();
    let usable: Vec<usize> = (0..patterns.len())
        .filter(|&i| !patterns[i].trim().is_empty())
        .collect();
    if usable.is_empty() || text.is_empty() {
        return Vec::new();
    }
    let Ok(ac) = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(usable.iter().map(|&i| patterns[i].as_str()))
    else {
        return Vec::new();
    };
    let folded = fold(text);
    let bytes = folded.text.len();
    // The longest valid match starting at each folded byte: (end byte, term).
    let mut best: Vec<Option<(usize, usize)>> = vec![None; bytes + 1];
    for m in ac.find_overlapping_iter(&folded.text) {
        let (s, e) = (m.start(), m.end());
        if folded.starts.get(s).copied().unwrap_or(NONE) == NONE
            || folded.ends.get(e).copied().unwrap_or(NONE) == NONE
        {
            continue; // inside a character's lower-case expansion
        }
        let before = folded.text[..s].chars().next_back();
        let after = folded.text[e..].chars().next();
        let first = folded.text[s..e].chars().next();
        let last = folded.text[s..e].chars().next_back();
        if (is_word(first) && is_word(before)) || (is_word(last) && is_word(after)) {
            continue;
        }
        let term = usable[m.pattern().as_usize()];
        if best[s].is_none_or(|(end, _)| e > end) {
            best[s] = Some((e, term));
        }
    }
    let mut out = Vec::new();
    let mut next_free = 0;
    for (s, slot) in best.iter().enumerate() {
        if let Some((e, term)) = slot
            && s >= next_free
        {
            out.push(Found {
                term: *term,
                start: folded.starts[s] as usize,
                end: folded.ends[*e] as usize,
            });
            next_free = *e;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str, terms: &[&str]) -> Vec<(usize, String)> {
        let chars: Vec<char> = text.chars().collect();
        find_terms(text, terms)
            .into_iter()
            .map(|f| (f.term, chars[f.start..f.end].iter().collect()))
            .collect()
    }

    #[test]
    fn case_insensitive_on_word_boundaries() {
        assert_eq!(
            found(
                "The Union signed a Collective  Bargaining\nAgreement; unionism is not union.",
                &["union", "collective bargaining agreement", "bargaining"]
            ),
            vec![
                (0, "Union".to_owned()),
                (1, "Collective  Bargaining\nAgreement".to_owned()),
                (0, "union".to_owned()),
            ]
        );
    }

    #[test]
    fn a_shorter_term_is_found_where_the_longer_one_is_not_a_word() {
        assert_eq!(
            found(
                "collective bargaining agreements",
                &["collective bargaining agreement", "collective bargaining"]
            ),
            vec![(1, "collective bargaining".to_owned())]
        );
    }

    #[test]
    fn offsets_count_code_points() {
        let text = "Ang ÜNION ay 組合 union—İstanbul";
        let got = find_terms(text, &["ünion", "union", "istanbul"]);
        let chars: Vec<char> = text.chars().collect();
        let words: Vec<String> = got
            .iter()
            .map(|f| chars[f.start..f.end].iter().collect())
            .collect();
        assert_eq!(words, vec!["ÜNION", "union"]);
        assert_eq!(got[0].start, 4);
        assert_eq!(got[0].end, 9);
    }

    #[test]
    fn empty_inputs_find_nothing() {
        assert!(find_terms("", &["a"]).is_empty());
        assert!(find_terms("abc", &[]).is_empty());
        assert!(find_terms("abc", &["  "]).is_empty());
    }
}
