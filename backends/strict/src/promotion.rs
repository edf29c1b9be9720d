//! Dtype domains and type promotion within the standard's table.
//!
//! The Array API promotes only within a kind: float32 with float64 gives
//! float64, real with complex floating gives complex128. Everything else
//! across kinds (bool with a number, int64 with a float) is undefined, and
//! refused here as array_api_strict refuses it. Python scalars take the
//! array's dtype, but only when their kind fits it:
//!
//! | scalar  | allowed with arrays of dtype        |
//! |---------|-------------------------------------|
//! | bool    | bool                                |
//! | int     | int64 and floating (not bool)       |
//! | float   | floating (real or complex)          |
//! | complex | complex floating                    |

use glass_backend_api::{BResult, BackendError, DType, Kind, Operand};

use crate::StrictArray;

/// A set of dtypes an op accepts (array_api_strict's `_*_dtypes` tuples).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    Any,
    Bool,
    Integer,
    Numeric,
    RealNumeric,
    Floating,
    RealFloating,
    ComplexFloating,
}

impl Domain {
    pub fn contains(self, d: DType) -> bool {
        match self {
            Domain::Any => true,
            Domain::Bool => d == DType::Bool,
            Domain::Integer => d.kind() == Some(Kind::Integer),
            Domain::Numeric => d.is_numeric(),
            Domain::RealNumeric => matches!(d.kind(), Some(Kind::Integer | Kind::RealFloating)),
            Domain::Floating => d.is_floating(),
            Domain::RealFloating => d.kind() == Some(Kind::RealFloating),
            Domain::ComplexFloating => d.kind() == Some(Kind::ComplexFloating),
        }
    }

    /// The words array_api_strict uses in its messages.
    pub fn describe(self) -> &'static str {
        match self {
            Domain::Any => "any",
            Domain::Bool => "boolean",
            Domain::Integer => "integer",
            Domain::Numeric => "numeric",
            Domain::RealNumeric => "real numeric",
            Domain::Floating => "floating-point",
            Domain::RealFloating => "real floating-point",
            Domain::ComplexFloating => "complex floating-point",
        }
    }
}

/// Refuses `d` outside `domain`: `"sin: only floating-point dtypes are
/// allowed (x has int64)"`.
pub fn check_domain(op: &str, what: &str, d: DType, domain: Domain) -> BResult<()> {
    if domain.contains(d) {
        Ok(())
    } else {
        Err(BackendError::dtype(format!(
            "{op}: only {} dtypes are allowed ({what} has {d})",
            domain.describe()
        )))
    }
}

/// The kind of a Python scalar operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarKind {
    Bool,
    Int,
    Float,
    Complex,
}

impl ScalarKind {
    pub fn name(self) -> &'static str {
        match self {
            ScalarKind::Bool => "bool",
            ScalarKind::Int => "int",
            ScalarKind::Float => "float",
            ScalarKind::Complex => "complex",
        }
    }

    /// Whether a scalar of this kind may take dtype `d` (the table above).
    pub fn fits(self, d: DType) -> bool {
        match self {
            ScalarKind::Bool => d == DType::Bool,
            ScalarKind::Int => d != DType::Bool,
            ScalarKind::Float => d.is_floating(),
            ScalarKind::Complex => d == DType::Complex128,
        }
    }
}

/// Refuses a scalar whose kind does not fit the array dtype `d`.
pub fn check_scalar(op: &str, s: ScalarKind, d: DType) -> BResult<()> {
    if s.fits(d) {
        Ok(())
    } else {
        Err(BackendError::dtype(format!(
            "{op}: a Python {} scalar cannot be combined with a {d} array \
             (the standard only lets scalars of a fitting kind take the array's dtype)",
            s.name()
        )))
    }
}

/// Promotion of two array dtypes within the standard's table.
pub fn promote(op: &str, a: DType, b: DType) -> BResult<DType> {
    DType::promote_standard(a, b).ok_or_else(|| {
        BackendError::dtype(format!(
            "{op}: {a} and {b} cannot be promoted (the standard has no promotion between \
             these kinds; cast explicitly with astype)"
        ))
    })
}

/// Promotion of any number of array dtypes (`result_type`).
pub fn result_type(op: &str, dtypes: &[DType]) -> BResult<DType> {
    let Some((&first, rest)) = dtypes.split_first() else {
        return Err(BackendError::value(format!(
            "{op}: at least one array is required"
        )));
    };
    rest.iter().try_fold(first, |acc, &d| promote(op, acc, d))
}

/// The dtype and shape of an operand, or its scalar kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Side {
    Array(DType, Vec<usize>),
    Scalar(ScalarKind),
}

impl Side {
    pub fn of(x: &Operand<'_, StrictArray>) -> Side {
        match x {
            Operand::Array(a) => Side::Array(a.dtype(), a.shape().to_vec()),
            Operand::Bool(_) => Side::Scalar(ScalarKind::Bool),
            Operand::Int(_) => Side::Scalar(ScalarKind::Int),
            Operand::Float(_) => Side::Scalar(ScalarKind::Float),
            Operand::Complex(_) => Side::Scalar(ScalarKind::Complex),
        }
    }
}

/// Checks a binary elementwise call and returns the dtype and shape of its
/// result: arrays in `domain`, promotion within the standard, scalars of a
/// fitting kind, shapes that broadcast.
pub fn binary(op: &str, a: &Side, b: &Side, domain: Domain) -> BResult<(DType, Vec<usize>)> {
    match (a, b) {
        (Side::Array(da, sa), Side::Array(db, sb)) => {
            check_domain(op, "x1", *da, domain)?;
            check_domain(op, "x2", *db, domain)?;
            Ok((promote(op, *da, *db)?, broadcast_shapes(op, sa, sb)?))
        }
        (Side::Array(d, s), Side::Scalar(k)) | (Side::Scalar(k), Side::Array(d, s)) => {
            check_domain(op, "the array operand", *d, domain)?;
            check_scalar(op, *k, *d)?;
            Ok((*d, s.clone()))
        }
        (Side::Scalar(_), Side::Scalar(_)) => Err(BackendError::value(format!(
            "{op}: at least one operand must be an array, got two scalars"
        ))),
    }
}

/// The broadcast shape of two shapes (trailing axes aligned; a length-one
/// axis stretches).
pub fn broadcast_shapes(op: &str, a: &[usize], b: &[usize]) -> BResult<Vec<usize>> {
    let n = a.len().max(b.len());
    let at = |s: &[usize], i: usize| {
        if i + s.len() >= n {
            s[i + s.len() - n]
        } else {
            1
        }
    };
    (0..n)
        .map(|i| match (at(a, i), at(b, i)) {
            (x, y) if x == y => Ok(x),
            (1, y) => Ok(y),
            (x, 1) => Ok(x),
            _ => Err(BackendError::shape(format!(
                "{op}: shapes {a:?} and {b:?} cannot be broadcast together"
            ))),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use glass_backend_api::ErrorKind;
    // Short names for the dtype constants (a newtype's constants cannot be
    // glob-imported as an enum's variants could).
    #[allow(non_upper_case_globals)]
    const Bool: DType = DType::Bool;
    #[allow(non_upper_case_globals)]
    const Int64: DType = DType::Int64;
    #[allow(non_upper_case_globals)]
    const Float32: DType = DType::Float32;
    #[allow(non_upper_case_globals)]
    const Float64: DType = DType::Float64;
    #[allow(non_upper_case_globals)]
    const Complex128: DType = DType::Complex128;

    fn arr(d: DType, s: &[usize]) -> Side {
        Side::Array(d, s.to_vec())
    }

    #[test]
    fn domains() {
        assert!(Domain::Floating.contains(Complex128));
        assert!(!Domain::Floating.contains(Int64));
        assert!(Domain::RealNumeric.contains(Int64));
        assert!(!Domain::RealNumeric.contains(Complex128));
        assert!(!Domain::RealNumeric.contains(Bool));
        assert!(!Domain::Numeric.contains(Bool));
        assert!(Domain::Any.contains(Bool));
        let e = check_domain("sin", "x", Int64, Domain::Floating).unwrap_err();
        assert_eq!(e.kind, ErrorKind::DType);
        assert!(
            e.message.contains("sin") && e.message.contains("int64"),
            "{}",
            e.message
        );
    }

    #[test]
    fn same_kind_promotes() {
        assert_eq!(
            binary(
                "add",
                &arr(Float32, &[3]),
                &arr(Float64, &[3]),
                Domain::Numeric
            )
            .unwrap()
            .0,
            Float64
        );
        assert_eq!(
            binary(
                "add",
                &arr(Float64, &[2, 1]),
                &arr(Complex128, &[3]),
                Domain::Numeric
            )
            .unwrap(),
            (Complex128, vec![2, 3])
        );
    }

    #[test]
    fn cross_kind_is_refused_naming_both() {
        let e = binary(
            "add",
            &arr(Int64, &[3]),
            &arr(Float64, &[3]),
            Domain::Numeric,
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::DType);
        assert!(
            e.message.contains("add")
                && e.message.contains("int64")
                && e.message.contains("float64")
        );
        let e = binary("equal", &arr(Bool, &[3]), &arr(Int64, &[3]), Domain::Any).unwrap_err();
        assert_eq!(e.kind, ErrorKind::DType);
    }

    #[test]
    fn scalar_rules() {
        let f = arr(Float32, &[2]);
        let i = arr(Int64, &[2]);
        let b = arr(Bool, &[2]);
        let c = arr(Complex128, &[2]);
        let s = |k| Side::Scalar(k);
        use ScalarKind as K;
        assert_eq!(
            binary("add", &f, &s(K::Int), Domain::Numeric).unwrap().0,
            Float32
        );
        assert_eq!(
            binary("add", &s(K::Float), &f, Domain::Numeric).unwrap().0,
            Float32
        );
        assert_eq!(
            binary("add", &i, &s(K::Int), Domain::Numeric).unwrap().0,
            Int64
        );
        assert_eq!(
            binary("add", &c, &s(K::Complex), Domain::Numeric)
                .unwrap()
                .0,
            Complex128
        );
        assert_eq!(
            binary("equal", &b, &s(K::Bool), Domain::Any).unwrap().0,
            Bool
        );
        assert!(binary("add", &i, &s(K::Float), Domain::Numeric).is_err());
        assert!(binary("equal", &b, &s(K::Int), Domain::Any).is_err());
        assert!(binary("equal", &i, &s(K::Bool), Domain::Any).is_err());
        assert!(binary("multiply", &f, &s(K::Complex), Domain::Numeric).is_err());
        assert_eq!(
            binary("add", &s(K::Int), &s(K::Int), Domain::Numeric)
                .unwrap_err()
                .kind,
            ErrorKind::Value
        );
    }

    #[test]
    fn scalar_checks_the_domain_of_the_array() {
        let e = binary(
            "divide",
            &arr(Int64, &[2]),
            &Side::Scalar(ScalarKind::Int),
            Domain::Floating,
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::DType);
    }

    #[test]
    fn broadcasting() {
        assert_eq!(
            broadcast_shapes("add", &[4, 1, 3], &[5, 1]).unwrap(),
            vec![4, 5, 3]
        );
        assert_eq!(broadcast_shapes("add", &[], &[2]).unwrap(), vec![2]);
        assert_eq!(broadcast_shapes("add", &[0], &[1]).unwrap(), vec![0]);
        assert_eq!(
            broadcast_shapes("add", &[3], &[4]).unwrap_err().kind,
            ErrorKind::Shape
        );
    }

    #[test]
    fn result_type_of_many() {
        assert_eq!(
            result_type("concat", &[Float32, Float64, Complex128]).unwrap(),
            Complex128
        );
        assert!(result_type("concat", &[Float32, Int64]).is_err());
        assert!(result_type("concat", &[]).is_err());
    }
}
