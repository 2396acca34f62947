//! How text becomes terms. Catalog names are identifiers: `customer_email`,
//! `customerEmail`, `raw.customers` and `Customer-Email` must all meet the
//! words `customer` and `email`, in any case and with or without accents.
//! Prose (descriptions, comments) and names share one analyzer, so a steward's
//! "customer emails" finds the column `customer_email`; the `exact` analyzer
//! keeps a whole name as one term to rank exact names first.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, Stemmer, TextAnalyzer, Token,
    TokenStream, Tokenizer,
};

/// Analyzer names registered on every index.
pub const WORDS: &str = "steward_words";
pub const EXACT: &str = "steward_exact";
pub const PLAIN: &str = "steward_plain";

/// Splits identifiers and prose into words: at every character that is not
/// a letter or digit, and inside a word at case changes (`customerEmail`,
/// `HTTPServer` → `HTTP`, `Server`).
#[derive(Debug, Clone, Default)]
pub struct IdentifierTokenizer {
    tokens: Vec<Token>,
}

#[derive(Debug)]
pub struct IdentifierTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    next: usize,
}

impl TokenStream for IdentifierTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

impl Tokenizer for IdentifierTokenizer {
    type TokenStream<'a> = IdentifierTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.tokens.clear();
        for (from, to) in split_words(text) {
            let position = self.tokens.len();
            self.tokens.push(Token {
                offset_from: from,
                offset_to: to,
                position,
                text: text[from..to].to_string(),
                position_length: 1,
            });
        }
        IdentifierTokenStream {
            tokens: &mut self.tokens,
            next: 0,
        }
    }
}

/// Byte ranges of the words of `text`.
pub fn split_words(text: &str) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut start: Option<usize> = None;
    for (i, &(at, c)) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if let Some(s) = start.take() {
                words.push((s, at));
            }
            continue;
        }
        if let Some(s) = start
            && i > 0
        {
            let previous = chars[i - 1].1;
            let next = chars.get(i + 1).map(|&(_, n)| n);
            // `customerEmail`: lower then upper; `HTTPServer`: the last upper
            // of a run before a lower starts the next word.
            let boundary = (previous.is_lowercase() && c.is_uppercase())
                || (previous.is_uppercase()
                    && c.is_uppercase()
                    && next.is_some_and(char::is_lowercase));
            if boundary {
                words.push((s, at));
                start = Some(at);
            }
            continue;
        }
        start.get_or_insert(at);
    }
    if let Some(s) = start {
        words.push((s, text.len()));
    }
    words
}

/// Words, lowercased, accents folded, English stems: for names and prose.
pub fn words_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(IdentifierTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Words, lowercased and folded, not stemmed: what a typo is measured
/// against (`custmer` is one edit from `customer`, three from the stem).
pub fn plain_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(IdentifierTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// A whole name as one term, lowercased and folded: `raw.customers.email`.
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The terms `analyzer` makes of `text`, in order, repeats removed.
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        if !out.contains(&token.text) {
            out.push(token.text.clone());
        }
    }
    out
}

/// Words of a question that name no asset: dropped from queries so "where do
/// we keep customer emails?" searches for customers and emails.
pub const QUESTION_WORDS: &[&str] = &[
    "a", "about", "all", "an", "and", "any", "are", "as", "at", "be", "by", "can", "do", "does",
    "find", "for", "from", "get", "have", "how", "i", "in", "is", "it", "keep", "kept", "list",
    "me", "my", "of", "on", "or", "our", "show", "store", "stored", "that", "the", "their",
    "there", "these", "this", "to", "us", "we", "what", "when", "where", "which", "who", "whose",
    "with",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        terms(&mut words_analyzer(), text)
    }

    #[test]
    fn identifiers_split_into_words() {
        assert_eq!(words("customer_email"), ["custom", "email"]);
        assert_eq!(words("customerEmail"), ["custom", "email"]);
        assert_eq!(words("raw.customers.Email"), ["raw", "custom", "email"]);
        assert_eq!(words("HTTPServerLog"), ["http", "server", "log"]);
        assert_eq!(words("Kunden-Straße"), ["kunden", "strass"]);
        assert_eq!(words("ship_to_address2"), ["ship", "to", "address2"]);
        assert_eq!(words("  "), Vec::<String>::new());
    }

    #[test]
    fn prose_and_names_meet() {
        // The stem makes plural and singular one term.
        assert_eq!(words("Customer e-mails"), ["custom", "e", "mail"]);
        assert_eq!(words("emails"), words("email"));
        assert_eq!(words("Résumé"), words("resume"));
    }

    #[test]
    fn exact_names_stay_whole() {
        assert_eq!(
            terms(&mut exact_analyzer(), "Raw.Customers.EMAIL"),
            ["raw.customers.email"]
        );
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "orderId_total";
        let spans = split_words(text);
        let pieces: Vec<&str> = spans.iter().map(|&(a, b)| &text[a..b]).collect();
        assert_eq!(pieces, ["order", "Id", "total"]);
    }
}
