//! Typed argument descriptions, read from the op table's signatures.
//!
//! Each op's signature in [`crate::ops`] (`"(x, axis: Int = -1, norm: Str =
//! \"backward\")"`) is written once, and is machine-readable: [`parse`]
//! turns it into a list of [`Param`]s (name, kind, whether it may be
//! omitted, default). The backend side reads arguments by parameter name
//! through it ([`crate::Args::int_of`] and friends, defaults from the
//! table), and the host side can place arguments by name with
//! [`encode`]. So an op's signature is not restated as positional indices
//! and literal defaults in every backend.
//!
//! The grammar: `(` params `)` [` -> ` result]; params separated by commas
//! outside brackets and quotes; a param is `name`, `name: type` or `name:
//! type = default`; `x1, x2, ...` ends in a variadic run of arrays; a type is
//! alternatives separated by `|`, `None` among them marking an optional
//! argument. A test parses every op's signature.

use crate::error::{BResult, BackendError};
use crate::value::RValue;
use crate::DType;

/// What kind of value a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// An array (`x`, `lam: float64 array`, ...).
    Array,
    /// An array or a Python scalar (`x1`, `fill_value: scalar`, ...).
    Operand,
    Bool,
    Int,
    /// A real or complex number (`Float`, `Float|Int`, `Float|Complex`).
    Number,
    Str,
    Ints,
    DType,
    Buffer,
    Index,
    /// An int or an int64 array (`repeats`).
    IntOrArray,
    /// The rest of the arguments, all arrays (`x1, x2, ...`).
    Arrays,
}

/// A default from the signature.
#[derive(Clone, Debug, PartialEq)]
pub enum Default {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    DType(DType),
}

/// One parameter of an op.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub kind: ParamKind,
    /// Whether the argument may be left out (`None` among its types, or a
    /// default).
    pub optional: bool,
    pub default: Option<Default>,
}

/// Splits on commas outside parentheses, brackets and quotes.
fn split_top(s: &str) -> Vec<&str> {
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    let mut out = Vec::new();
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' | '[' if !quoted => depth += 1,
            ')' | ']' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    let last = s[start..].trim();
    if !last.is_empty() {
        out.push(last);
    }
    out
}

fn kind_of(ty: &str) -> Option<ParamKind> {
    let alts: Vec<&str> = ty
        .split('|')
        .map(str::trim)
        .filter(|a| *a != "None")
        .collect();
    let has = |w: &str| alts.iter().any(|a| a.split_whitespace().any(|t| t == w));
    Some(match alts.as_slice() {
        [] => return None,
        ["Int", rest] if rest.contains("array") => ParamKind::IntOrArray,
        _ if has("scalar") => ParamKind::Operand,
        _ if alts
            .iter()
            .all(|a| matches!(*a, "Float" | "Int" | "Complex")) =>
        {
            if alts == ["Int"] {
                ParamKind::Int
            } else {
                ParamKind::Number
            }
        }
        ["Bool"] => ParamKind::Bool,
        ["Str"] => ParamKind::Str,
        ["Ints"] => ParamKind::Ints,
        ["DType"] => ParamKind::DType,
        ["Buffer"] => ParamKind::Buffer,
        ["Index"] => ParamKind::Index,
        // a dtype name, a shape or a prose description of an array
        _ => ParamKind::Array,
    })
}

fn default_of(kind: ParamKind, text: &str) -> Option<Default> {
    let t = text.trim();
    Some(match kind {
        ParamKind::Bool => Default::Bool(t.parse().ok()?),
        ParamKind::Int => Default::Int(t.parse().ok()?),
        ParamKind::Number => Default::Float(t.parse().ok()?),
        ParamKind::Str => Default::Str(t.strip_prefix('"')?.strip_suffix('"')?.to_string()),
        ParamKind::DType => Default::DType(DType::from_name(t)?),
        _ => return None,
    })
}

/// The parameters of a signature, or a message saying what does not parse.
pub fn parse(signature: &str) -> Result<Vec<Param>, String> {
    let params = signature
        .split(" -> ")
        .next()
        .and_then(|p| p.trim().strip_prefix('('))
        .and_then(|p| p.strip_suffix(')'))
        .ok_or_else(|| format!("{signature:?} is not `(params) [-> result]`"))?;
    let parts = split_top(params);
    let mut out: Vec<Param> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if *part == "..." {
            if i + 1 != parts.len() {
                return Err(format!("{signature:?}: `...` is not last"));
            }
            // `x1, x2, ...`: the arrays named before it are the variadic run.
            while out
                .last()
                .is_some_and(|p| matches!(p.kind, ParamKind::Array | ParamKind::Operand))
            {
                out.pop();
            }
            out.push(Param {
                name: "arrays".into(),
                kind: ParamKind::Arrays,
                optional: false,
                default: None,
            });
            continue;
        }
        let (decl, default) = match part.split_once(" = ") {
            Some((d, v)) => (d, Some(v)),
            None => (*part, None),
        };
        let (name, ty) = match decl.split_once(':') {
            Some((n, t)) => (n.trim(), Some(t.trim())),
            None => (decl.trim(), None),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("{signature:?}: bad parameter name {name:?}"));
        }
        let kind = match ty {
            // Binary inputs may be scalars; every other untyped one is an array.
            None if matches!(name, "x1" | "x2") => ParamKind::Operand,
            None => ParamKind::Array,
            Some(t) => kind_of(t).ok_or_else(|| format!("{signature:?}: bad type {t:?}"))?,
        };
        let default = match default {
            Some(v) => Some(
                default_of(kind, v)
                    .ok_or_else(|| format!("{signature:?}: bad default {v:?} for {name}"))?,
            ),
            None => None,
        };
        let optional =
            default.is_some() || ty.is_some_and(|t| t.split('|').any(|a| a.trim() == "None"));
        out.push(Param {
            name: name.to_string(),
            kind,
            optional,
            default,
        });
    }
    Ok(out)
}

/// The position of parameter `name`.
///
/// # Errors
/// `Internal`: the op has no such parameter (a bug of the caller).
pub fn position(op: &str, params: &[Param], name: &str) -> BResult<usize> {
    params.iter().position(|p| p.name == name).ok_or_else(|| {
        BackendError::internal(format!("{op} has no parameter `{name}` in the op table"))
    })
}

/// Places named arguments at their positions, `None` for the omitted ones
/// in the middle, trailing omitted ones left out; a variadic run comes last
/// as `("arrays", ...)` values in order.
///
/// # Errors
/// `Value`: an unknown name, or a required parameter left out.
pub fn encode(op: &str, params: &[Param], named: Vec<(&str, RValue)>) -> BResult<Vec<RValue>> {
    let mut slots: Vec<Option<RValue>> = vec![None; params.len()];
    let mut rest = Vec::new();
    for (name, v) in named {
        let i = position(op, params, name)
            .map_err(|_| BackendError::value(format!("{op}: no parameter `{name}`")))?;
        if params[i].kind == ParamKind::Arrays {
            rest.push(v);
        } else {
            slots[i] = Some(v);
        }
    }
    if let Some((p, _)) = params
        .iter()
        .zip(&slots)
        .find(|(p, s)| s.is_none() && !p.optional && p.kind != ParamKind::Arrays)
    {
        return Err(BackendError::value(format!(
            "{op}: required parameter `{}` is missing",
            p.name
        )));
    }
    let last = slots.iter().rposition(Option::is_some).map_or(0, |i| i + 1);
    let mut out: Vec<RValue> = slots
        .into_iter()
        .take(last)
        .map(|s| s.unwrap_or(RValue::None))
        .collect();
    out.extend(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{Op, OPS};

    #[test]
    fn every_signature_parses() {
        for spec in OPS {
            let params = parse(spec.signature).unwrap_or_else(|e| panic!("{}: {e}", spec.name));
            let mut names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
            names.sort_unstable();
            let n = names.len();
            names.dedup();
            assert_eq!(n, names.len(), "{}: duplicate parameter names", spec.name);
        }
    }

    #[test]
    fn kinds_and_defaults() {
        let p = parse(Op::FftRfft.spec().signature).unwrap();
        let got: Vec<(&str, ParamKind, bool)> = p
            .iter()
            .map(|p| (p.name.as_str(), p.kind, p.optional))
            .collect();
        assert_eq!(
            got,
            [
                ("x", ParamKind::Array, false),
                ("n", ParamKind::Int, true),
                ("axis", ParamKind::Int, true),
                ("norm", ParamKind::Str, true),
            ]
        );
        assert_eq!(p[2].default, Some(Default::Int(-1)));
        assert_eq!(p[3].default, Some(Default::Str("backward".into())));
        let f = parse(Op::FftFftfreq.spec().signature).unwrap();
        assert_eq!(f[2].default, Some(Default::DType(DType::Float64)));
        let c = parse(Op::Concat.spec().signature).unwrap();
        assert_eq!(c.last().map(|p| p.kind), Some(ParamKind::Arrays));
        assert_eq!(c.len(), 2);
        let a = parse(Op::Add.spec().signature).unwrap();
        assert_eq!(a[0].kind, ParamKind::Operand);
        assert_eq!(a[2].default, Some(Default::Bool(false)));
        assert_eq!(parse(Op::Sync.spec().signature).unwrap(), []);
    }

    #[test]
    fn encode_places_by_name() {
        let p = parse(Op::FftRfft.spec().signature).unwrap();
        let args = encode(
            "fft.rfft",
            &p,
            vec![("axis", RValue::Int(0)), ("x", RValue::Int(7))],
        )
        .unwrap();
        assert_eq!(args, [RValue::Int(7), RValue::None, RValue::Int(0)]);
        let e = encode("fft.rfft", &p, vec![("axis", RValue::Int(0))]).unwrap_err();
        assert!(e.message.contains("`x` is missing"), "{e}");
        assert!(encode("fft.rfft", &p, vec![("nope", RValue::Int(0))]).is_err());
    }
}
