//! Text made safe to place in HTML: the one escaper every report and page uses, so that no caller
//! can pick one that leaves quotes alone (user text lands in `value="…"` and `href="…"` as well as
//! in element content).

/// Escapes `&`, `<`, `>`, `"` and `'`: safe in element content and in quoted attribute values.
///
/// ```
/// assert_eq!(kechuang_domain::escape_html(r#"a"><b onmouseover='x'>&"#),
///            "a&quot;&gt;&lt;b onmouseover=&#39;x&#39;&gt;&amp;");
/// ```
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn every_character_that_ends_text_or_an_attribute_is_escaped() {
        for hostile in ["\"", "'", "<", ">", "&"] {
            assert!(!escape_html(hostile).contains(hostile) || hostile == "&");
        }
        assert_eq!(escape_html("研发 R&D"), "研发 R&amp;D");
        assert_eq!(escape_html("plain 文本"), "plain 文本");
    }
}
