//! The checks, one module per family of ops, and helpers they share.

// The dtype names of `glass_backend_api::dtype::names` (constants since the
// dtype became a newtype) are matched as patterns in the checks.
#![allow(non_upper_case_globals)]

use glass_backend_api::{DType, ErrorKind, RValue};

use crate::host::HostArray;
use crate::{Check, Ctx, CONTRACT};

mod binary;
mod contract;
mod creation;
mod fft;
mod healpix;
mod indexing;
mod linalg;
pub(crate) mod manipulation;
mod random;
pub(crate) mod reduction;
mod search;
mod unary;

/// Every check of the suite.
pub(crate) fn all() -> Vec<Check> {
    let mut v = Vec::new();
    v.extend(contract::checks());
    v.extend(creation::checks());
    v.extend(unary::checks());
    v.extend(binary::checks());
    v.extend(reduction::checks());
    v.extend(search::checks());
    v.extend(manipulation::checks());
    v.extend(indexing::checks());
    v.extend(linalg::checks());
    v.extend(fft::checks());
    v.extend(random::checks());
    v.extend(healpix::checks());
    v
}

/// `dtype[shape]`, for messages.
pub(crate) fn desc(h: &HostArray) -> String {
    format!("{}{:?}", h.dtype(), h.shape)
}

/// A shape argument.
pub(crate) fn ints(v: &[usize]) -> RValue {
    RValue::Ints(v.iter().map(|&n| n as i64).collect())
}

/// A list of signed ints argument.
pub(crate) fn iints(v: &[i64]) -> RValue {
    RValue::Ints(v.to_vec().into())
}

/// Prefixes a failure with the case it happened in.
pub(crate) fn within<T>(r: Result<T, String>, case: impl FnOnce() -> String) -> Result<T, String> {
    r.map_err(|m| format!("{}: {}", case(), m))
}

/// Uploads `inputs`, calls `op` with `args(handles)`, and downloads its one
/// array result.
pub(crate) fn eval_with(
    ctx: &Ctx<'_>,
    op: &str,
    inputs: &[&HostArray],
    args: impl FnOnce(&[RValue]) -> Vec<RValue>,
) -> Result<HostArray, String> {
    let arrs = inputs
        .iter()
        .map(|h| ctx.s.upload(h))
        .collect::<Result<Vec<_>, _>>()?;
    let handles: Vec<RValue> = arrs.iter().map(|a| a.rv()).collect();
    ctx.s.eval(op, &args(&handles))
}

/// Like [`eval_with`] for ops returning several arrays.
pub(crate) fn eval_many(
    ctx: &Ctx<'_>,
    op: &str,
    inputs: &[&HostArray],
    args: impl FnOnce(&[RValue]) -> Vec<RValue>,
) -> Result<Vec<HostArray>, String> {
    let arrs = inputs
        .iter()
        .map(|h| ctx.s.upload(h))
        .collect::<Result<Vec<_>, _>>()?;
    let handles: Vec<RValue> = arrs.iter().map(|a| a.rv()).collect();
    let outs = ctx.s.call_arrays(op, &args(&handles))?;
    outs.iter().map(|a| ctx.s.download(a)).collect()
}

/// Uploads `inputs` and expects `op` to fail with `kind`.
pub(crate) fn expect_err_with(
    ctx: &Ctx<'_>,
    op: &str,
    inputs: &[&HostArray],
    kind: ErrorKind,
    args: impl FnOnce(&[RValue]) -> Vec<RValue>,
) -> Result<(), String> {
    let arrs = inputs
        .iter()
        .map(|h| ctx.s.upload(h))
        .collect::<Result<Vec<_>, _>>()?;
    let handles: Vec<RValue> = arrs.iter().map(|a| a.rv()).collect();
    let what = inputs
        .iter()
        .map(|h| desc(h))
        .collect::<Vec<_>>()
        .join(", ");
    ctx.s.expect_err(op, &args(&handles), kind, &what)
}

/// A check that `op` refuses arrays of `dtype` (all its array arguments of
/// that dtype, built by `make`) with a `DType` error.
pub(crate) fn dtype_error_check(
    op: &'static str,
    dtype: DType,
    make: fn(DType) -> Vec<HostArray>,
    extra: fn(&[RValue]) -> Vec<RValue>,
) -> Check {
    Check::new(op, format!("dtype_error[{dtype}]"), move |ctx| {
        let inputs = make(dtype);
        let refs: Vec<&HostArray> = inputs.iter().collect();
        expect_err_with(ctx, op, &refs, ErrorKind::DType, extra)?;
        Ok(())
    })
}

/// Passes the handles through as the arguments.
pub(crate) fn pass(h: &[RValue]) -> Vec<RValue> {
    h.to_vec()
}

/// The contract pseudo-op's name, re-exported for the modules.
pub(crate) const CONTRACT_OP: &str = CONTRACT;
