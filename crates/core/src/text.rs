//! [`ShortStr`]: the quote's output strings (amounts, dates, codes) held inline.
//!
//! A quote has seventeen of them; keeping them off the heap is most of what makes a quote
//! cheap. They serialize as plain JSON strings.

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Capacity in bytes: a 96-bit mantissa has 29 digits, plus sign, point and a leading 0.
const CAP: usize = 40;

/// An ASCII string of at most 40 bytes stored inline (no allocation).
///
/// ```
/// use seatquote_core::text::ShortStr;
/// let s = ShortStr::new("604.93").unwrap();
/// assert_eq!(&*s, "604.93");
/// assert_eq!(s, "604.93");
/// assert!(ShortStr::new(&"9".repeat(41)).is_none());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ShortStr {
    len: u8,
    bytes: [u8; CAP],
}

impl ShortStr {
    /// `None` when `s` is longer than 40 bytes or not ASCII.
    pub fn new(s: &str) -> Option<Self> {
        Self::from_ascii(s.as_bytes())
    }

    /// From ASCII bytes; `None` when longer than 40 bytes or not ASCII.
    pub fn from_ascii(b: &[u8]) -> Option<Self> {
        if b.len() > CAP || !b.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; CAP];
        bytes[..b.len()].copy_from_slice(b);
        Some(Self {
            len: b.len() as u8,
            bytes,
        })
    }

    /// A string of `len` ASCII bytes written by `fill` into a zeroed buffer (crate-internal:
    /// `fill` must write ASCII only; `len` is clamped to the capacity).
    pub(crate) fn from_fn(len: usize, fill: impl FnOnce(&mut [u8])) -> Self {
        let len = len.min(CAP);
        let mut bytes = [0u8; CAP];
        fill(&mut bytes[..len]);
        Self {
            len: len as u8,
            bytes,
        }
    }

    /// The text's bytes (ASCII).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored (checked in `from_ascii`).
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

impl Default for ShortStr {
    fn default() -> Self {
        Self {
            len: 0,
            bytes: [0; CAP],
        }
    }
}

impl Deref for ShortStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq<str> for ShortStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for ShortStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for ShortStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for ShortStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ShortStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ShortStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::new(&s)
            .ok_or_else(|| serde::de::Error::custom("expected an ASCII string of at most 40 bytes"))
    }
}

/// `n`'s decimal digits, written into the end of `buf`; returns the written part. Integers
/// are written with this rather than `to_string()`, which would link `std::fmt` into the
/// wasm modules (DESIGN.md, "Size and speed").
///
/// ```
/// use seatquote_core::text::u32_digits;
/// assert_eq!(u32_digits(&mut [0; 10], 4096), b"4096");
/// assert_eq!(u32_digits(&mut [0; 10], u32::MAX), b"4294967295");
/// ```
pub fn u32_digits(buf: &mut [u8; 10], mut n: u32) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
}

/// Appends `n`'s decimal digits to `out` (see [`u32_digits`]).
///
/// ```
/// let mut s = String::from("n=");
/// seatquote_core::text::push_u32(&mut s, 0);
/// assert_eq!(s, "n=0");
/// ```
pub fn push_u32(out: &mut String, n: u32) {
    for &d in u32_digits(&mut [0; 10], n) {
        out.push(char::from(d));
    }
}
