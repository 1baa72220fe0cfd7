//! `Name`: a user or account name as a job keeps it. Such names are short, and a job holds two
//! of them, so a `Name` of up to 22 bytes lives inline (24 bytes, the size of a `String`, with no
//! heap block beside it: about 64 bytes a job less at a million jobs); a longer one goes to the
//! heap. It reads as a `&str` everywhere and serializes as a plain string.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;

const INLINE_BYTES: usize = 22;

#[derive(Clone)]
pub struct Name(Repr);

#[derive(Clone)]
enum Repr {
    /// `bytes[..len]` is the UTF-8 text.
    Inline {
        len: u8,
        bytes: [u8; INLINE_BYTES],
    },
    Heap(Box<str>),
}

impl Name {
    pub fn new(text: &str) -> Name {
        if text.len() > INLINE_BYTES {
            return Name(Repr::Heap(text.into()));
        }
        let mut bytes = [0; INLINE_BYTES];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        Name(Repr::Inline {
            len: text.len() as u8,
            bytes,
        })
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline { len, bytes } => {
                let text = &bytes[..usize::from(*len)];
                // SAFETY: `text` was copied whole from a `&str` in `new`, and never changes.
                unsafe { std::str::from_utf8_unchecked(text) }
            }
            Repr::Heap(text) => text,
        }
    }
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl Default for Name {
    fn default() -> Name {
        Name::new("")
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name::new(text)
    }
}

impl From<String> for Name {
    fn from(text: String) -> Name {
        Name::new(&text)
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Name {}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Name, D::Error> {
        String::deserialize(deserializer).map(Name::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_the_size_of_a_string_and_reads_back_whatever_its_length() {
        assert_eq!(std::mem::size_of::<Name>(), std::mem::size_of::<String>());
        for text in [
            "",
            "bob",
            "exactly-22-bytes-long!",
            "twenty-three bytes long",
            "ünïcødé",
        ] {
            let name = Name::new(text);
            assert_eq!(name.as_str(), text);
            assert_eq!(name, text);
            assert_eq!(format!("{name}"), text);
        }
        assert!(matches!(
            Name::new("exactly-22-bytes-long!").0,
            Repr::Inline { .. }
        ));
        assert!(matches!(
            Name::new("twenty-three bytes long").0,
            Repr::Heap(_)
        ));
    }

    #[test]
    fn names_order_and_serialize_as_their_text() {
        let mut names = [
            Name::new("zed"),
            Name::new("a-very-long-account-name-on-the-heap"),
            Name::new("bob"),
        ];
        names.sort();
        let texts: Vec<&str> = names.iter().map(Name::as_str).collect();
        assert_eq!(
            texts,
            ["a-very-long-account-name-on-the-heap", "bob", "zed"]
        );
        let json = serde_json::to_string(&names[1]).unwrap();
        assert_eq!(json, "\"bob\"");
        let back: Name = serde_json::from_str(&json).unwrap();
        assert_eq!(back, names[1]);
    }
}
