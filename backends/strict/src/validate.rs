//! The checks of each family of ops (see [`crate::rules::Check`]), run before
//! any numerics. Each returns a [`Plan`]: the device of the results, and
//! where the core's arguments end (the device argument of creation ops is
//! the strict backend's business and is not passed on).

use glass_backend_api::{Args, BResult, BackendError, DType, Operand, RValue};

use crate::config::Config;
use crate::devices;
use crate::indexing::validate_index;
use crate::promotion::{self, check_domain, check_scalar, Domain, ScalarKind, Side};
use crate::rules::Check;
use crate::StrictArray;

type A<'a> = Args<'a, StrictArray>;

/// What a validated call does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The device of every array result.
    pub device: u32,
    /// Arguments from this position on are not passed to the core.
    pub strip_from: Option<usize>,
}

impl Plan {
    fn on(device: u32) -> Plan {
        Plan {
            device,
            strip_from: None,
        }
    }
}

/// Checks a call of an op whose checks are `check`.
pub fn validate(check: Check, args: &A<'_>, cfg: &Config) -> BResult<Plan> {
    use Check::*;
    let here = Plan::on(devices::common(args)?.unwrap_or(0));
    let op = args.op();
    match check {
        Asarray => args.buffer(0).and_then(|_| created(args, 2)),
        ToHost | Manipulate => args.array(0).map(|_| here),
        Create { domain } => {
            check_domain(op, "dtype", args.dtype_of("dtype")?, domain)?;
            created(args, args.param("device")?.0)
        }
        Full => full(args),
        Arange => arange(args),
        Linspace => linspace(args),
        FftFreq => {
            let d = args.dtype_of("dtype")?;
            check_domain(op, "dtype", d, Domain::RealFloating)?;
            created(args, args.param("device")?.0)
        }
        Like { fill } => like(args, fill).map(|_| here),
        Astype => astype(args).map(|_| here),
        Sync => Ok(here),
        ToDevice => {
            args.array(0)?;
            Ok(Plan::on(devices::check_id(op, args.int(1)?)?))
        }
        Unary(domain) => check_domain(op, "x", args.array(0)?.dtype(), domain).map(|_| here),
        Binary(domain) => binary(args, domain, false).map(|_| here),
        BinaryInplace(domain) => binary(args, domain, true).map(|_| here),
        Clip => clip(args).map(|_| here),
        Where => where_(args).map(|_| here),
        Reduce { domain, dtype } => reduce(args, domain, dtype).map(|_| here),
        Cumulative => cumulative(args).map(|_| here),
        Searchsorted => searchsorted(args).map(|_| here),
        DataDependent { nonzero } => data_dependent(args, cfg, nonzero).map(|_| here),
        BroadcastArrays => at_least_one_array(args, 0).map(|_| here),
        Join => join(args).map(|_| here),
        Repeat => repeat(args, cfg).map(|_| here),
        Getitem => {
            let x = args.array(0)?;
            validate_index(op, x.shape(), &args.index(1)?).map(|_| here)
        }
        Setitem => setitem(args).map(|_| here),
        Take { along_axis } => take(args, along_axis).map(|_| here),
        GetitemMask => getitem_mask(args, cfg).map(|_| here),
        ArrayPair(domain) => array_pair(args, domain).map(|_| here),
    }
}

/// A creation op: results on the device argument at `pos`, which the core
/// does not see.
fn created(args: &A<'_>, pos: usize) -> BResult<Plan> {
    Ok(Plan {
        device: devices::arg(args, pos)?,
        strip_from: Some(pos),
    })
}

/// The scalar kind of a fill value; arrays are refused.
fn fill_kind(args: &A<'_>, i: usize) -> BResult<ScalarKind> {
    match Side::of(&args.operand(i)?) {
        Side::Scalar(k) => Ok(k),
        Side::Array(..) => Err(BackendError::value(format!(
            "{}: fill_value must be a Python scalar, got an array",
            args.op()
        ))),
    }
}

/// `full(shape, fill_value, dtype, device)`: the fill value's kind must fit
/// the dtype (no implicit cast of 1.5 to int64, of 1 to bool, ...).
fn full(args: &A<'_>) -> BResult<Plan> {
    check_scalar(args.op(), fill_kind(args, 1)?, args.dtype(2)?)?;
    created(args, 3)
}

/// `*_like(x, [fill_value,] dtype)`.
fn like(args: &A<'_>, fill: bool) -> BResult<()> {
    let x = args.array(0)?;
    let dpos = if fill { 2 } else { 1 };
    let d = args.opt_dtype(dpos)?.unwrap_or(x.dtype());
    if fill {
        check_scalar(args.op(), fill_kind(args, 1)?, d)?;
    }
    Ok(())
}

/// `arange(start, stop, step, dtype, device)`: real numeric dtypes only, and
/// float bounds with an int64 dtype would be an implicit cast.
fn arange(args: &A<'_>) -> BResult<Plan> {
    let op = args.op();
    let d = args.dtype(3)?;
    check_domain(op, "dtype", d, Domain::RealNumeric)?;
    for (i, name) in ["start", "stop", "step"].iter().enumerate() {
        if d == DType::Int64 && matches!(args.raw(i), Some(RValue::Float(_))) {
            return Err(BackendError::dtype(format!(
                "{op}: {name} is a float but the dtype is int64 (an implicit cast); \
                 pass ints or a floating dtype"
            )));
        }
    }
    created(args, 4)
}

/// `linspace(start, stop, num, endpoint, dtype, device)`: floating dtypes
/// only, and complex ends need a complex dtype.
fn linspace(args: &A<'_>) -> BResult<Plan> {
    let op = args.op();
    let d = args.dtype(4)?;
    check_domain(op, "dtype", d, Domain::Floating)?;
    for (i, name) in ["start", "stop"].iter().enumerate() {
        if matches!(args.raw(i), Some(RValue::Complex(_))) && d != DType::Complex128 {
            return Err(BackendError::dtype(format!(
                "{op}: {name} is complex but the dtype is {d}"
            )));
        }
    }
    created(args, 5)
}

/// `astype(x, dtype)`: complex to real is refused, as the standard says.
fn astype(args: &A<'_>) -> BResult<()> {
    let x = args.array(0)?.dtype();
    let d = args.dtype(1)?;
    if x == DType::Complex128 && d != DType::Complex128 {
        return Err(BackendError::dtype(format!(
            "{}: casting {x} to {d} is not permitted (it would drop the imaginary part); \
             take real() or abs() first",
            args.op()
        )));
    }
    Ok(())
}

/// A binary elementwise op; with `inplace` allowed and set, the result must
/// keep x1's dtype and shape, as for `x1 += x2`.
fn binary(args: &A<'_>, domain: Domain, inplace_allowed: bool) -> BResult<()> {
    let op = args.op();
    let a = args.operand(0)?;
    let (dtype, shape) =
        promotion::binary(op, &Side::of(&a), &Side::of(&args.operand(1)?), domain)?;
    if !(inplace_allowed && args.bool_or(2, false)?) {
        return Ok(());
    }
    let Operand::Array(x1) = a else {
        return Err(BackendError::value(format!(
            "{op}: an in-place op needs an array as x1, got a scalar"
        )));
    };
    if dtype != x1.dtype() {
        return Err(BackendError::dtype(format!(
            "{op}: in place, the result dtype {dtype} must equal x1's dtype {}",
            x1.dtype()
        )));
    }
    if shape != x1.shape() {
        return Err(BackendError::shape(format!(
            "{op}: in place, the broadcast shape {shape:?} must equal x1's shape {:?}",
            x1.shape()
        )));
    }
    Ok(())
}

/// `clip(x, min, max)`: real numeric x; bounds of the same kind as x.
fn clip(args: &A<'_>) -> BResult<()> {
    let op = args.op();
    let x = args.array(0)?.dtype();
    check_domain(op, "x", x, Domain::RealNumeric)?;
    for (i, name) in [(1, "min"), (2, "max")] {
        match args.opt_operand(i)?.as_ref().map(Side::of) {
            None => {}
            Some(Side::Scalar(k)) => check_scalar(op, k, x)?,
            Some(Side::Array(d, _)) => {
                check_domain(op, name, d, Domain::RealNumeric)?;
                promotion::promote(op, x, d)?;
            }
        }
    }
    Ok(())
}

/// `where(condition, x1, x2)`: a bool condition; x1 and x2 as a binary op.
fn where_(args: &A<'_>) -> BResult<()> {
    let op = args.op();
    let cond = args.array(0)?.dtype();
    if cond != DType::Bool {
        return Err(BackendError::dtype(format!(
            "{op}: condition must have a boolean dtype, got {cond}"
        )));
    }
    let a = Side::of(&args.operand(1)?);
    let b = Side::of(&args.operand(2)?);
    promotion::binary(op, &a, &b, Domain::Any).map(|_| ())
}

/// A reduction, sort or search over one array; a `dtype` argument (sum,
/// prod) must be numeric and may not drop an imaginary part.
fn reduce(args: &A<'_>, domain: Domain, dtype: Option<usize>) -> BResult<()> {
    let op = args.op();
    let x = args.array(0)?.dtype();
    check_domain(op, "x", x, domain)?;
    let Some(d) = dtype.map(|i| args.opt_dtype(i)).transpose()?.flatten() else {
        return Ok(());
    };
    check_domain(op, "the dtype argument", d, Domain::Numeric)?;
    if x == DType::Complex128 && d != DType::Complex128 {
        return Err(BackendError::dtype(format!(
            "{op}: accumulating {x} in {d} would drop the imaginary part"
        )));
    }
    Ok(())
}

/// `cumulative_*(x, axis, include_initial)`: numeric x; axis may be omitted
/// only for 1-d x.
fn cumulative(args: &A<'_>) -> BResult<()> {
    let op = args.op();
    let x = args.array(0)?;
    check_domain(op, "x", x.dtype(), Domain::Numeric)?;
    if args.opt_int(1)?.is_none() && x.shape().len() > 1 {
        return Err(BackendError::value(format!(
            "{op}: axis must be given for an array of {} dimensions",
            x.shape().len()
        )));
    }
    Ok(())
}

/// `searchsorted(x1, x2, side)`: real numeric, promotable, x1 one-dimensional.
fn searchsorted(args: &A<'_>) -> BResult<()> {
    let op = args.op();
    let x1 = args.array(0)?;
    if x1.shape().len() != 1 {
        return Err(BackendError::shape(format!(
            "{op}: x1 must be one-dimensional, got shape {:?}",
            x1.shape()
        )));
    }
    let x2 = Side::of(&args.operand(1)?);
    promotion::binary(
        op,
        &Side::Array(x1.dtype(), vec![]),
        &x2,
        Domain::RealNumeric,
    )
    .map(|_| ())
}

/// The error for a data-dependent-shape op while they are disabled.
fn data_dependent_refused(op: &str, what: &str) -> BackendError {
    BackendError::unsupported(format!(
        "{op}: {what} has a data-dependent output shape, which the strict backend refuses \
         unless {}=1 is set (or the backend is created with data_dependent_shapes=1)",
        crate::config::DATA_DEPENDENT_ENV
    ))
}

/// `nonzero(x)` and `unique_values(x)`: only with data-dependent shapes on;
/// `nonzero` of a 0-d array is refused.
fn data_dependent(args: &A<'_>, cfg: &Config, nonzero: bool) -> BResult<()> {
    let op = args.op();
    let x = args.array(0)?;
    if !cfg.data_dependent_shapes {
        return Err(data_dependent_refused(op, op));
    }
    if nonzero && x.shape().is_empty() {
        return Err(BackendError::value(format!(
            "{op}: nonzero is not allowed on 0-dimensional arrays"
        )));
    }
    Ok(())
}

/// All arguments from `from` on must be arrays, at least one.
fn at_least_one_array<'a>(args: &A<'a>, from: usize) -> BResult<Vec<&'a StrictArray>> {
    let xs = args.arrays_from(from)?;
    if xs.is_empty() {
        return Err(BackendError::value(format!(
            "{}: at least one array is required",
            args.op()
        )));
    }
    Ok(xs)
}

/// `concat`/`stack(axis, x1, x2, ...)`: the arrays' dtypes must promote.
fn join(args: &A<'_>) -> BResult<()> {
    let dtypes: Vec<DType> = at_least_one_array(args, 1)?
        .iter()
        .map(|x| x.dtype())
        .collect();
    promotion::result_type(args.op(), &dtypes).map(|_| ())
}

/// `repeat(x, repeats, axis)`: an array of repeats makes the shape
/// data-dependent; it must be int64 and at most 1-d.
fn repeat(args: &A<'_>, cfg: &Config) -> BResult<()> {
    let op = args.op();
    args.array(0)?;
    if !matches!(args.raw(1), Some(RValue::Array(_))) {
        return args.int(1).map(|_| ());
    }
    if !cfg.data_dependent_shapes {
        return Err(data_dependent_refused(
            op,
            "repeat with an array of repeats",
        ));
    }
    let r = args.array(1)?;
    check_domain(op, "repeats", r.dtype(), Domain::Integer)?;
    if r.shape().len() > 1 {
        return Err(BackendError::shape(format!(
            "{op}: repeats must be 0-d or 1-d, got shape {:?}",
            r.shape()
        )));
    }
    Ok(())
}

/// `setitem(x, index, value)`: a valid index, and a value that takes x's
/// dtype without a cast across kinds or a narrowing.
fn setitem(args: &A<'_>) -> BResult<()> {
    let op = args.op();
    let x = args.array(0)?;
    validate_index(op, x.shape(), &args.index(1)?)?;
    match Side::of(&args.operand(2)?) {
        Side::Scalar(k) => check_scalar(op, k, x.dtype()),
        Side::Array(d, _) => match DType::promote_standard(x.dtype(), d) {
            Some(r) if r == x.dtype() => Ok(()),
            _ => Err(BackendError::dtype(format!(
                "{op}: a {d} value cannot be stored in a {} array without a cast",
                x.dtype()
            ))),
        },
    }
}

/// `take(x, indices, axis)` / `take_along_axis(x, indices, axis)`: int64
/// indices; `take` needs an axis unless x is 1-d.
fn take(args: &A<'_>, along_axis: bool) -> BResult<()> {
    let op = args.op();
    let x = args.array(0)?;
    check_domain(op, "indices", args.array(1)?.dtype(), Domain::Integer)?;
    if !along_axis && args.opt_int(2)?.is_none() && x.shape().len() != 1 {
        return Err(BackendError::value(format!(
            "{op}: axis must be given for an array of {} dimensions",
            x.shape().len()
        )));
    }
    Ok(())
}

/// `getitem_mask(x, mask)`: data-dependent; a bool mask whose shape is the
/// leading axes of x.
fn getitem_mask(args: &A<'_>, cfg: &Config) -> BResult<()> {
    let op = args.op();
    let x = args.array(0)?;
    let mask = args.array(1)?;
    if !cfg.data_dependent_shapes {
        return Err(data_dependent_refused(op, "boolean-mask indexing"));
    }
    check_domain(op, "mask", mask.dtype(), Domain::Bool)?;
    let m = mask.shape();
    if m.len() > x.shape().len() || x.shape()[..m.len()] != *m {
        return Err(BackendError::shape(format!(
            "{op}: mask shape {m:?} does not match the leading axes of x's shape {:?}",
            x.shape()
        )));
    }
    Ok(())
}

/// Two arrays in the domain whose dtypes promote (matmul, vecdot,
/// tensordot, linalg.outer, linalg.solve).
fn array_pair(args: &A<'_>, domain: Domain) -> BResult<()> {
    let op = args.op();
    let (x1, x2) = (args.array(0)?.dtype(), args.array(1)?.dtype());
    check_domain(op, "x1", x1, domain)?;
    check_domain(op, "x2", x2, domain)?;
    promotion::promote(op, x1, x2).map(|_| ())
}
