//! Exact money arithmetic: half-away-from-zero rounding, exact division, amount strings.
//!
//! Every amount is a [`Decimal`]. Nothing here goes through `f32`/`f64`.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::text::ShortStr;

/// Rounds `x` to `minor_units` decimals, half away from zero (`round` of `docs/pricing.md` §1),
/// and fixes the scale so the amount prints with exactly that many digits.
///
/// ```
/// use seatquote_core::{money::round, Decimal};
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// assert_eq!(round(d("2.345"), 2).to_string(), "2.35");
/// assert_eq!(round(d("-2.345"), 2).to_string(), "-2.35");
/// assert_eq!(round(d("1200"), 2).to_string(), "1200.00");
/// ```
pub fn round(x: Decimal, minor_units: u32) -> Decimal {
    // With no more digits than the currency has, there is nothing to round: only pad.
    let mut r = if x.scale() <= minor_units {
        x
    } else {
        x.round_dp_with_strategy(minor_units, RoundingStrategy::MidpointAwayFromZero)
    };
    if r.scale() != minor_units {
        r.rescale(minor_units);
    }
    r
}

/// Computes `round(num / den)` exactly (integer arithmetic on the mantissas, one
/// rounding, half away from zero). `None` when `den` is zero or on overflow, which the
/// engine's input bounds rule out.
///
/// ```
/// use seatquote_core::{money::div_round, Decimal};
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// // 1200 × 184 / 365 = 604.9315… → 604.93
/// assert_eq!(div_round(d("220800.00"), d("365"), 2).unwrap().to_string(), "604.93");
/// // 1200 / 1.19 = 1008.4033… → 1008.40
/// assert_eq!(div_round(d("1200.00"), d("1.19"), 2).unwrap().to_string(), "1008.40");
/// ```
pub fn div_round(num: Decimal, den: Decimal, minor_units: u32) -> Option<Decimal> {
    if den.is_zero() {
        return None;
    }
    // num = m1 / 10^s1, den = m2 / 10^s2, so
    // num / den × 10^dp = m1 × 10^(s2 + dp) / (m2 × 10^s1).
    let mut n = scaled(num.mantissa(), den.scale() + minor_units)?;
    let mut d = scaled(den.mantissa(), num.scale())?;
    if d < 0 {
        n = n.checked_neg()?;
        d = d.checked_neg()?;
    }
    // Magnitudes: 64-bit division when both fit (nearly always), which is far cheaper
    // than 128-bit division natively and in WebAssembly.
    let (un, ud) = (n.unsigned_abs(), d.unsigned_abs());
    let (mut q, r) = match (u64::try_from(un), u64::try_from(ud)) {
        (Ok(a), Ok(b)) => (u128::from(a / b), u128::from(a % b)),
        _ => (un / ud, un % ud),
    };
    // Half away from zero: round the magnitude up when the remainder is at least half.
    if r >= ud - r {
        q += 1;
    }
    let q = i128::try_from(q).ok()?;
    Decimal::try_from_i128_with_scale(if n < 0 { -q } else { q }, minor_units).ok()
}

fn pow10(exp: u32) -> Option<i128> {
    10i128.checked_pow(exp)
}

/// `m × 10^exp`, in 64-bit arithmetic when it fits (128-bit multiplication with an
/// overflow check is a library call in WebAssembly).
fn scaled(m: i128, exp: u32) -> Option<i128> {
    if let (Ok(small), Some(p)) = (u64::try_from(m.unsigned_abs()), 10u64.checked_pow(exp)) {
        if let Some(v) = small.checked_mul(p) {
            let v = i128::from(v);
            return Some(if m < 0 { -v } else { v });
        }
    }
    m.checked_mul(pow10(exp)?)
}

/// Formats an amount with exactly `minor_units` decimals (`"2016.81"`, JPY `"1200"`,
/// KWD `"12.500"`), without `std::fmt`. The amount must already be rounded.
///
/// ```
/// use seatquote_core::{money::format_amount, Decimal};
/// assert_eq!(format_amount("12.5".parse::<Decimal>().unwrap(), 3), "12.500");
/// assert_eq!(format_amount("-0.5".parse::<Decimal>().unwrap(), 2), "-0.50");
/// ```
pub fn format_amount(amount: Decimal, minor_units: u32) -> ShortStr {
    let mut a = amount;
    if a.scale() != minor_units {
        a.rescale(minor_units);
    }
    let mantissa = a.mantissa();
    let scale = a.scale() as usize;
    let magnitude = mantissa.unsigned_abs();
    if let (Ok(small), true) = (u64::try_from(magnitude), scale <= 16) {
        return format_small(small, scale, mantissa < 0);
    }
    // Digits to print: all of the mantissa's, and at least one before the point.
    let digits = match u64::try_from(magnitude) {
        Ok(small) => small.checked_ilog10().unwrap_or(0),
        Err(_) => magnitude.ilog10(),
    } as usize
        + 1;
    let digits = digits.max(scale + 1);
    let len = usize::from(mantissa < 0) + digits + usize::from(scale > 0);
    // Written right to left, straight into the result: a 96-bit mantissa has at most 29
    // digits and the scale is at most 28, so sign, digits and point fit in 40 bytes.
    ShortStr::from_fn(len, |out| {
        let mut w = DigitWriter {
            out,
            pos: len,
            written: 0,
            scale,
        };
        let mut big = magnitude;
        while big > u128::from(u64::MAX) {
            w.digit((big % 10) as u8);
            big /= 10;
        }
        // 64-bit division is far cheaper than 128-bit; amounts almost always start here,
        // and are written two digits at a time.
        let mut small = big as u64;
        while w.written < digits {
            // A pair must not straddle the point nor run past the digits.
            if w.written + 2 <= digits && w.written + 1 != scale {
                w.pair((small % 100) as usize);
                small /= 100;
            } else {
                w.digit((small % 10) as u8);
                small /= 10;
            }
        }
        if mantissa < 0 {
            w.pos -= 1;
            w.out[w.pos] = b'-';
        }
    })
}

/// [`format_amount`] for a mantissa that fits in 64 bits (nearly every amount): written
/// right to left into a stack buffer, two digits at a time.
fn format_small(mut v: u64, scale: usize, negative: bool) -> ShortStr {
    // 20 digits, 16 decimals at most, the point and the sign fit in 40 bytes.
    let mut buf = [0u8; 40];
    let mut pos = buf.len();
    let pair = |buf: &mut [u8; 40], pos: &mut usize, n: u64| {
        let i = 2 * n as usize;
        *pos -= 2;
        buf[*pos..*pos + 2].copy_from_slice(&PAIRS[i..i + 2]);
    };
    let mut frac = scale;
    while frac >= 2 {
        pair(&mut buf, &mut pos, v % 100);
        v /= 100;
        frac -= 2;
    }
    if frac == 1 {
        pos -= 1;
        buf[pos] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    if scale > 0 {
        pos -= 1;
        buf[pos] = b'.';
    }
    while v >= 100 {
        pair(&mut buf, &mut pos, v % 100);
        v /= 100;
    }
    if v >= 10 {
        pair(&mut buf, &mut pos, v);
    } else {
        pos -= 1;
        buf[pos] = b'0' + v as u8;
    }
    if negative {
        pos -= 1;
        buf[pos] = b'-';
    }
    ShortStr::from_fn(buf.len() - pos, |out| out.copy_from_slice(&buf[pos..]))
}

/// `"00"` … `"99"`.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Writes digits right to left, inserting the decimal point after `scale` of them.
struct DigitWriter<'a> {
    out: &'a mut [u8],
    pos: usize,
    written: usize,
    scale: usize,
}

impl DigitWriter<'_> {
    /// Two digits (`n` < 100) that lie on the same side of the point.
    fn pair(&mut self, n: usize) {
        if self.written == self.scale && self.scale > 0 {
            self.pos -= 1;
            self.out[self.pos] = b'.';
        }
        self.pos -= 2;
        self.out[self.pos..self.pos + 2].copy_from_slice(&PAIRS[2 * n..2 * n + 2]);
        self.written += 2;
    }

    fn digit(&mut self, d: u8) {
        if self.written == self.scale && self.scale > 0 {
            self.pos -= 1;
            self.out[self.pos] = b'.';
        }
        self.pos -= 1;
        self.out[self.pos] = b'0' + d;
        self.written += 1;
    }
}

/// Parses a plain non-negative decimal string (`"1200"`, `"0.19"`, `"1200.000000"`)
/// with at most `max_decimals` digits after the point. No sign, exponent, spaces or
/// other notation; at most 40 characters. `None` for anything else.
///
/// ```
/// use seatquote_core::money::parse_plain_decimal;
/// assert!(parse_plain_decimal("1200.00", 6).is_some());
/// assert!(parse_plain_decimal("1e3", 6).is_none());
/// assert!(parse_plain_decimal("0.1234567", 6).is_none());
/// ```
pub fn parse_plain_decimal(s: &str, max_decimals: u32) -> Option<Decimal> {
    let bytes = s.as_bytes();
    if bytes.is_empty() || bytes.len() > 40 {
        return None;
    }
    let (int_part, frac_part) = match bytes.iter().position(|&b| b == b'.') {
        Some(i) if i + 1 < bytes.len() => (&bytes[..i], &bytes[i + 1..]),
        Some(_) => return None,
        None => (bytes, &bytes[..0]),
    };
    if int_part.is_empty() {
        return None;
    }
    if frac_part.len() > max_decimals as usize {
        return None;
    }
    if !int_part.iter().chain(frac_part).all(u8::is_ascii_digit) {
        return None;
    }
    let digits = int_part.iter().chain(frac_part);
    let mantissa: i128 = if int_part.len() + frac_part.len() <= 19 {
        // Up to 19 digits fit in a u64: no 128-bit arithmetic.
        i128::from(digits.fold(0u64, |m, &b| m * 10 + u64::from(b - b'0')))
    } else {
        let mut m: i128 = 0;
        for &b in digits {
            m = m.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        m
    };
    Decimal::try_from_i128_with_scale(mantissa, frac_part.len() as u32).ok()
}
