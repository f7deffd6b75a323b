//! Go's `strconv.FormatFloat` in the shapes the encoders use.

/// Shortest round-trip decimal digits and decimal exponent of a finite,
/// non-zero `f`: `f = 0.d1d2d3... * 10^point`.
fn shortest_digits(f: f64, bits32: bool) -> (String, i32) {
    let sci = if bits32 {
        format!("{:e}", f.abs() as f32)
    } else {
        format!("{:e}", f.abs())
    };
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    (digits, exp + 1)
}

/// `strconv.FormatFloat(f, 'g', -1, bits)` (go-yaml's float printing before
/// its `.inf`/`.nan` renaming, and `%v`'s): with the shortest precision Go
/// switches to `%e` when the decimal exponent is < -4 or >= 6.
pub fn format_float_g(f: f64, bits32: bool) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0");
    }
    let (digits, point) = shortest_digits(f, bits32);
    let exp = point - 1;
    if !(-4..6).contains(&exp) {
        format!("{sign}{}", exponent_form(&digits, exp))
    } else {
        format!("{sign}{}", fixed_form(&digits, point))
    }
}

/// `d.ddde±XX` with at least two exponent digits.
fn exponent_form(digits: &str, exp: i32) -> String {
    let (first, rest) = digits.split_at(1.min(digits.len()));
    let mut out = first.to_string();
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    let sign = if exp < 0 { '-' } else { '+' };
    out.push('e');
    out.push(sign);
    out.push_str(&format!("{:02}", exp.abs()));
    out
}

/// Plain decimal notation of `0.digits * 10^point`.
fn fixed_form(digits: &str, point: i32) -> String {
    let nd = digits.len() as i32;
    if point <= 0 {
        format!("0.{}{}", "0".repeat((-point) as usize), digits)
    } else if point >= nd {
        format!("{}{}", digits, "0".repeat((point - nd) as usize))
    } else {
        let (int, frac) = digits.split_at(point as usize);
        format!("{int}.{frac}")
    }
}

/// encoding/json's float64 text: `'f'` shortest, `'e'` below 1e-6 or from
/// 1e21 on, exponent written without a leading zero (`1e-7`, `1e+21`).
/// `None` for NaN and infinities, which encoding/json refuses.
pub fn format_float_json(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return Some(format!("{sign}0"));
    }
    let abs = f.abs();
    let (digits, point) = shortest_digits(f, false);
    if !(1e-6..1e21).contains(&abs) {
        let exp = point - 1;
        let mut text = exponent_form(&digits, exp);
        // Go cleans e-07 to e-7 (and e+07 never occurs: the threshold is 1e21).
        if let Some(pos) = text.find("e-0") {
            text.remove(pos + 2);
        }
        Some(format!("{sign}{text}"))
    } else {
        Some(format!("{sign}{}", fixed_form(&digits, point)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_format_matches_go() {
        assert_eq!(format_float_g(1e6, false), "1e+06");
        assert_eq!(format_float_g(1.5e-7, false), "1.5e-07");
        assert_eq!(format_float_g(0.1, false), "0.1");
        assert_eq!(format_float_g(3.0, false), "3");
        assert_eq!(format_float_g(123456.0, false), "123456");
        assert_eq!(format_float_g(1e21, false), "1e+21");
        assert_eq!(format_float_g(-0.0, false), "-0");
        assert_eq!(format_float_g(0.0001, false), "0.0001");
        assert_eq!(format_float_g(0.00001, false), "1e-05");
        assert_eq!(format_float_g(1.5, true), "1.5");
        assert_eq!(format_float_g(0.1, true), "0.1");
    }

    #[test]
    fn json_format_matches_go() {
        assert_eq!(format_float_json(1e6).as_deref(), Some("1000000"));
        assert_eq!(format_float_json(1.5e-7).as_deref(), Some("1.5e-7"));
        assert_eq!(format_float_json(1e21).as_deref(), Some("1e+21"));
        assert_eq!(
            format_float_json(9007199254740993.0).as_deref(),
            Some("9007199254740992")
        );
        assert_eq!(
            format_float_json(9223372036854775807.0).as_deref(),
            Some("9223372036854776000")
        );
        assert_eq!(format_float_json(-0.0).as_deref(), Some("-0"));
        assert_eq!(format_float_json(f64::NAN), None);
    }
}
