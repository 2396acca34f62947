//! Masking sample values before anything stores or shows them.

/// Masks a value but keeps its shape: the first character of every run of
/// letters or digits stays, the rest of the run becomes `***`, separators stay.
/// `john.doe@example.com` becomes `j***.d***@e***.c***`; `4111 1111 1111 1111`
/// becomes `4*** 1*** 1*** 1***`. Runs of one character are kept, so short codes
/// such as `M` or `NY` stay readable only as far as their first letter.
pub fn mask_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut in_run = false;
    for c in value.chars() {
        if c.is_alphanumeric() {
            if !in_run {
                out.push(c);
                in_run = true;
            } else if !out.ends_with("***") {
                out.push_str("***");
            }
        } else {
            in_run = false;
            out.push(c);
        }
    }
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
        assert_eq!(mask_value("M"), "M");
        assert_eq!(mask_value(""), "");
    }
}
