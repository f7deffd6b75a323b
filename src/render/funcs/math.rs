//! Sprig math: int64 arithmetic through `cast.ToInt64`, float64 through `cast.ToFloat64`.

use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};

use super::args::{arity, arity_min, fail, list, to_f64, to_i64};
use crate::render::govalue::int64_value;

fn ints(args: &[Value]) -> Vec<i64> {
    args.iter().map(to_i64).collect()
}

pub fn register(env: &mut Environment<'static>) {
    env.add_function("f_add1", |args: Rest<Value>| {
        arity("add1", &args, 1)?;
        Ok::<_, Error>(int64_value(to_i64(&args[0]).wrapping_add(1)))
    });
    env.add_function("f_add", |args: Rest<Value>| {
        Ok::<_, Error>(int64_value(
            ints(&args).iter().fold(0i64, |a, b| a.wrapping_add(*b)),
        ))
    });
    env.add_function("f_sub", |args: Rest<Value>| {
        arity("sub", &args, 2)?;
        Ok::<_, Error>(int64_value(to_i64(&args[0]).wrapping_sub(to_i64(&args[1]))))
    });
    env.add_function("f_mul", |args: Rest<Value>| {
        arity_min("mul", &args, 1)?;
        Ok::<_, Error>(int64_value(
            ints(&args).iter().fold(1i64, |a, b| a.wrapping_mul(*b)),
        ))
    });
    env.add_function("f_div", |args: Rest<Value>| {
        arity("div", &args, 2)?;
        let b = to_i64(&args[1]);
        if b == 0 {
            return Err(fail("runtime error: integer divide by zero"));
        }
        Ok::<_, Error>(int64_value(to_i64(&args[0]).wrapping_div(b)))
    });
    env.add_function("f_mod", |args: Rest<Value>| {
        arity("mod", &args, 2)?;
        let b = to_i64(&args[1]);
        if b == 0 {
            return Err(fail("runtime error: integer divide by zero"));
        }
        Ok::<_, Error>(int64_value(to_i64(&args[0]).wrapping_rem(b)))
    });
    for name in ["max", "biggest"] {
        env.add_function(format!("f_{name}"), move |args: Rest<Value>| {
            arity_min(name, &args, 1)?;
            Ok::<_, Error>(int64_value(ints(&args).into_iter().max().unwrap_or(0)))
        });
    }
    env.add_function("f_min", |args: Rest<Value>| {
        arity_min("min", &args, 1)?;
        Ok::<_, Error>(int64_value(ints(&args).into_iter().min().unwrap_or(0)))
    });
    let floats = |args: &[Value]| -> Vec<f64> { args.iter().map(to_f64).collect() };
    env.add_function("f_add1f", move |args: Rest<Value>| {
        arity("add1f", &args, 1)?;
        Ok::<_, Error>(Value::from(decimal_op(
            &args[0],
            &[Value::from(1)],
            Op::Add,
        )?))
    });
    env.add_function("f_addf", move |args: Rest<Value>| {
        Ok::<_, Error>(Value::from(decimal_op(&Value::from(0.0), &args, Op::Add)?))
    });
    env.add_function("f_subf", move |args: Rest<Value>| {
        arity_min("subf", &args, 1)?;
        Ok::<_, Error>(Value::from(decimal_op(&args[0], &args[1..], Op::Sub)?))
    });
    env.add_function("f_mulf", move |args: Rest<Value>| {
        arity_min("mulf", &args, 1)?;
        Ok::<_, Error>(Value::from(decimal_op(&args[0], &args[1..], Op::Mul)?))
    });
    env.add_function("f_divf", move |args: Rest<Value>| {
        arity_min("divf", &args, 1)?;
        Ok::<_, Error>(Value::from(decimal_op(&args[0], &args[1..], Op::Div)?))
    });
    env.add_function("f_maxf", move |args: Rest<Value>| {
        arity_min("maxf", &args, 1)?;
        Ok::<_, Error>(Value::from(
            floats(&args).into_iter().fold(f64::NEG_INFINITY, f64::max),
        ))
    });
    env.add_function("f_minf", move |args: Rest<Value>| {
        arity_min("minf", &args, 1)?;
        Ok::<_, Error>(Value::from(
            floats(&args).into_iter().fold(f64::INFINITY, f64::min),
        ))
    });
    env.add_function("f_ceil", |args: Rest<Value>| {
        arity("ceil", &args, 1)?;
        Ok::<_, Error>(Value::from(to_f64(&args[0]).ceil()))
    });
    env.add_function("f_floor", |args: Rest<Value>| {
        arity("floor", &args, 1)?;
        Ok::<_, Error>(Value::from(to_f64(&args[0]).floor()))
    });
    env.add_function("f_round", |args: Rest<Value>| {
        arity_min("round", &args, 2)?;
        let x = to_f64(&args[0]);
        let places = to_i64(&args[1]);
        let round_on = args.get(2).map(to_f64).unwrap_or(0.5);
        let pow = 10f64.powi(places as i32);
        let digit = pow * x;
        // Go: math.Modf's (signed) fraction against roundOn, then Ceil or Floor.
        let r = if digit.fract() >= round_on {
            digit.ceil()
        } else {
            digit.floor()
        };
        Ok::<_, Error>(Value::from(r / pow))
    });
    let _ = list;
}

#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

/// A shopspring `decimal.Decimal`: `mant * 10^exp`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Decimal {
    mant: i128,
    exp: i32,
}

/// Digits after the point of a quotient (`decimal.DivisionPrecision`).
const DIVISION_PRECISION: i32 = 16;

impl Decimal {
    /// `decimal.NewFromFloat`: the shortest decimal that rounds to `f`.
    fn from_f64(f: f64) -> Option<Decimal> {
        if !f.is_finite() {
            return None;
        }
        let s = format!("{f:e}");
        let (m, e) = s.split_once('e')?;
        let e: i32 = e.parse().ok()?;
        let (int, frac) = m.split_once('.').unwrap_or((m, ""));
        let mant: i128 = format!("{int}{frac}").parse().ok()?;
        Some(Decimal {
            mant,
            exp: e - frac.len() as i32,
        })
    }

    fn rescale(self, exp: i32) -> Option<i128> {
        let diff = u32::try_from(self.exp - exp).ok()?;
        self.mant.checked_mul(10i128.checked_pow(diff)?)
    }

    fn add(self, o: Decimal) -> Option<Decimal> {
        let exp = self.exp.min(o.exp);
        Some(Decimal {
            mant: self.rescale(exp)?.checked_add(o.rescale(exp)?)?,
            exp,
        })
    }

    fn mul(self, o: Decimal) -> Option<Decimal> {
        Some(Decimal {
            mant: self.mant.checked_mul(o.mant)?,
            exp: self.exp.checked_add(o.exp)?,
        })
    }

    /// `d.DivRound(o, 16)`: half away from zero.
    fn div(self, o: Decimal) -> Option<Decimal> {
        let k = self.exp - o.exp + DIVISION_PRECISION;
        let (num, den) = if k >= 0 {
            (
                self.mant.checked_mul(10i128.checked_pow(k as u32)?)?,
                o.mant,
            )
        } else {
            (
                self.mant,
                o.mant.checked_mul(10i128.checked_pow((-k) as u32)?)?,
            )
        };
        let (q, r) = (num / den, num % den);
        let q = if r.checked_mul(2)?.abs() >= den.abs() {
            q + if (num < 0) != (den < 0) { -1 } else { 1 }
        } else {
            q
        };
        Some(Decimal {
            mant: q,
            exp: -DIVISION_PRECISION,
        })
    }

    fn to_f64(self) -> f64 {
        format!("{}e{}", self.mant, self.exp)
            .parse()
            .unwrap_or(f64::NAN)
    }
}

/// Sprig's `execDecimalOp`: the arguments as decimals, folded with `op`,
/// back to float64. Falls back to float arithmetic where the exact value
/// would not fit 128 bits.
fn decimal_op(first: &Value, rest: &[Value], op: Op) -> Result<f64, Error> {
    let mut acc_f = to_f64(first);
    let mut acc = Decimal::from_f64(acc_f);
    for x in rest {
        let xf = to_f64(x);
        if matches!(op, Op::Div) && xf == 0.0 {
            return Err(fail("decimal division by 0"));
        }
        let d = Decimal::from_f64(xf);
        acc = match (acc, d) {
            (Some(a), Some(b)) => match op {
                Op::Add => a.add(b),
                Op::Sub => a.add(Decimal {
                    mant: -b.mant,
                    exp: b.exp,
                }),
                Op::Mul => a.mul(b),
                Op::Div => a.div(b),
            },
            _ => None,
        };
        acc_f = match op {
            Op::Add => acc_f + xf,
            Op::Sub => acc_f - xf,
            Op::Mul => acc_f * xf,
            Op::Div => acc_f / xf,
        };
        if let Some(a) = acc {
            acc_f = a.to_f64();
        }
    }
    Ok(acc.map(Decimal::to_f64).unwrap_or(acc_f))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64) -> Value {
        Value::from(x)
    }

    #[test]
    fn decimal_arithmetic_is_exact() {
        assert_eq!(decimal_op(&f(0.3), &[f(0.2)], Op::Sub).unwrap(), 0.1);
        assert_eq!(decimal_op(&f(1.1), &[f(3.0)], Op::Mul).unwrap(), 3.3);
        assert_eq!(
            decimal_op(&f(0.0), &[f(0.1), f(0.2)], Op::Add).unwrap(),
            0.3
        );
        assert_eq!(
            decimal_op(&f(1.0), &[f(3.0)], Op::Div).unwrap(),
            0.3333333333333333
        );
        assert_eq!(
            decimal_op(&f(2.0), &[f(3.0)], Op::Div).unwrap(),
            0.6666666666666667
        );
        assert_eq!(
            crate::render::runtime::error_text(
                &decimal_op(&f(1.0), &[f(0.0)], Op::Div).unwrap_err()
            ),
            "decimal division by 0"
        );
        assert_eq!(
            decimal_op(&f(1e300), &[f(1e300)], Op::Mul).unwrap(),
            f64::INFINITY
        );
    }
}
