//! Page language: zh-CN by default, English on request (cookie `lang`). The pages' texts are named
//! ([`Text`]) and translated in one catalogue per language ([`zh`], [`en`]), each an exhaustive
//! match, so a text cannot be missing from a language. Names that come with the data (a scheme's,
//! a role's, a district's) carry both languages themselves and are picked with [`Pick::pick`].

pub use kechuang_portrait::html::Lang;

mod actions;
pub mod en;
mod text;
pub mod zh;

pub use actions::action_names;
pub use text::Text;

/// Picks the text for a language.
pub trait Pick {
    /// `zh` or `en`.
    fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str;
    /// The `lang` attribute.
    fn tag(self) -> &'static str;
    /// A text of the pages in this language.
    fn text(self, t: Text) -> &'static str;
}

impl Pick for Lang {
    fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    fn text(self, t: Text) -> &'static str {
        match self {
            Lang::Zh => zh::text(t),
            Lang::En => en::text(t),
        }
    }
}

/// Decodes `%XX` escapes and `+` (form encoding); invalid escapes are kept as written.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes a query-string value.
pub fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_round_trip() {
        for s in ["滨海新区 C39", "a&b=c", "100%", "plain"] {
            assert_eq!(percent_decode(&percent_encode(s)), s);
        }
        assert_eq!(percent_decode("a+b%2"), "a b%2");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(Lang::En.pick("中", "en"), "en");
        assert_eq!(Lang::Zh.text(Text::Overview), "概览");
        assert_eq!(Lang::En.text(Text::Overview), "Overview");
    }
}
