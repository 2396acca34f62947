//! Masking sample values before anything stores or shows them.

/// Masks a value but keeps its shape: the first character of every run of
/// letters or digits stays, the rest of the run becomes `***`, separators stay.
/// `john.doe@example.com` becomes `j***.d***@e***.c***`; `4111 1111 1111 1111`
/// becomes `4*** 1*** 1*** 1***`. A run of one character would be shown whole
/// by that rule (an initial, an IP octet `0`, a code `M`), so it becomes `*`.
pub fn mask_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_alphanumeric() {
            out.push(c);
            continue;
        }
        let mut run = 1;
        while chars.next_if(|n| n.is_alphanumeric()).is_some() {
            run += 1;
        }
        if run == 1 {
            out.push('*');
        } else {
            out.push(c);
            out.push_str("***");
        }
    }
    out
}

/// An error message from reading warehouse data, with the values it quotes
/// taken out: readers quote the value they failed on and sometimes the whole
/// row (`Error while parsing value 'ana@x.com' … Row data: '[…]'`), and the
/// message is stored and shown. Single-quoted text becomes `'…'`, except a
/// type name after `type`; names Steward quotes itself use backticks.
pub fn redact_quoted_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(open) = rest.find('\'') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        let after = &after[1..];
        let Some(close) = after.find('\'') else {
            out.push_str("'…");
            return out;
        };
        let quoted = &after[..close];
        if before.trim_end().ends_with("type") && !quoted.contains(char::is_whitespace) {
            out.push('\'');
            out.push_str(quoted);
            out.push('\'');
        } else {
            out.push_str("'…'");
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_the_shape_and_hide_the_value() {
        assert_eq!(mask_value("john.doe@example.com"), "j***.d***@e***.c***");
        assert_eq!(mask_value("4111 1111 1111 1111"), "4*** 1*** 1*** 1***");
        assert_eq!(mask_value("+44 20 7946 0958"), "+4*** 2*** 7*** 0***");
        assert_eq!(mask_value("Zoë Ångström"), "Z*** Å***");
        assert_eq!(mask_value(""), "");
    }

    #[test]
    fn no_whole_token_is_left_in_clear() {
        assert_eq!(mask_value("M"), "*");
        assert_eq!(mask_value("Ó Brien"), "* B***");
        assert_eq!(mask_value("10.0.0.1"), "1***.*.*.*");
        assert_eq!(mask_value("J. R. Smith"), "*. *. S***");
        // Every letter or digit shown is the first of a longer, hidden run.
        for value in ["Ó Brien", "10.0.0.1", "a-b-c", "7 Elm St", "x"] {
            let masked = mask_value(value);
            let chars: Vec<char> = masked.chars().collect();
            for (i, c) in chars.iter().enumerate() {
                if c.is_alphanumeric() {
                    assert_eq!(chars.get(i + 1), Some(&'*'), "{value} -> {masked}");
                }
            }
        }
    }

    #[test]
    fn quoted_values_are_taken_out_of_error_messages() {
        assert_eq!(
            redact_quoted_values(
                "Parser error: Error while parsing value 'ana@example.com' as type 'Int64' \
                 for column 2 at line 54. Row data: '[1,ana@example.com,x]'"
            ),
            "Parser error: Error while parsing value '…' as type 'Int64' \
             for column 2 at line 54. Row data: '…'"
        );
        assert_eq!(
            redact_quoted_values("unterminated 'secret"),
            "unterminated '…"
        );
        assert_eq!(
            redact_quoted_values("table `a.b`: no such file"),
            "table `a.b`: no such file"
        );
    }
}
