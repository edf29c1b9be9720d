//! Array utilities (GLASS `glass.arraytools`), on the host.
//!
//! These run in plain Rust on `f64` slices and [`ndarray`] arrays: they serve
//! the setup computations on redshift grids and spectra (sizes up to a few
//! thousand), never per-pixel work.
//!
//! Besides GLASS's public functions ([`broadcast_first`],
//! [`broadcast_leading_axes`], [`ndinterp`], [`trapezoid_product`],
//! [`cumulative_trapezoid`]) this module holds the NumPy primitives that
//! GLASS relies on, reproduced to the rounding: [`interp`] (`np.interp`),
//! [`trapezoid`] (`np.trapezoid`), [`gradient`] (`np.gradient`),
//! [`union1d`], [`linspace`] and [`arange`].
//!
//! ```
//! use glass::arraytools::{cumulative_trapezoid, interp, InterpOptions};
//! use ndarray::arr1;
//! let y = interp(&[0.5, 2.0], &[0.0, 1.0], &[0.0, 10.0], InterpOptions::default()).unwrap();
//! assert_eq!(y, vec![5.0, 10.0]);
//! let c = cumulative_trapezoid(arr1(&[1.0, 1.0, 1.0]).view().into_dyn(), &[0.0, 1.0, 3.0]).unwrap();
//! assert_eq!(c.as_slice().unwrap(), &[0.0, 1.0, 3.0]);
//! ```

use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn};

use crate::error::{Error, Result};

fn invalid<T>(func: &'static str, arg: &'static str, reason: impl Into<String>) -> Result<T> {
    Err(Error::value(func, arg, reason))
}

/// Checks that `x` is non-decreasing and free of NaN (as `np.interp` and the
/// trapezoidal rule require); `func` and `arg` name the function and the
/// argument in the error.
///
/// # Errors
///
/// [`Error::NaN`] at the first NaN, [`Error::Value`] where `x` decreases.
pub fn check_increasing(func: &'static str, arg: &'static str, x: &[f64]) -> Result<()> {
    if let Some(index) = x.iter().position(|v| v.is_nan()) {
        return Err(Error::NaN { func, arg, index });
    }
    if let Some(i) = x.windows(2).position(|w| w[1] < w[0]) {
        return invalid(
            func,
            arg,
            format!(
                "{arg} is not monotonically increasing: {arg}[{}] = {} > {arg}[{}] = {}",
                i,
                x[i],
                i + 1,
                x[i + 1]
            ),
        );
    }
    Ok(())
}

/// The sample points `xp`, `fp` of a linear interpolation, validated.
fn check_points(xp: &[f64], fp: &[f64]) -> Result<()> {
    if xp.is_empty() {
        return invalid("interp", "xp", "the array of sample points is empty");
    }
    if xp.len() != fp.len() {
        return invalid(
            "interp",
            "fp",
            format!(
                "xp and fp have different lengths ({} and {})",
                xp.len(),
                fp.len()
            ),
        );
    }
    check_increasing("interp", "xp", xp)
}

/// `np.interp` at one point, for validated sample points (see [`interp`]).
fn interp1(x: f64, xp: &[f64], fp: &[f64], left: f64, right: f64) -> f64 {
    let n = xp.len();
    if n == 1 {
        return if x < xp[0] {
            left
        } else if x > xp[0] {
            right
        } else {
            fp[0]
        };
    }
    if x.is_nan() {
        return x;
    }
    // largest j with xp[j] <= x (numpy's binary search), -1 below the grid
    if x < xp[0] {
        return left;
    }
    if x > xp[n - 1] {
        return right;
    }
    let j = xp.partition_point(|&v| v <= x) - 1;
    if j == n - 1 || xp[j] == x {
        return fp[j];
    }
    let slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
    let mut r = slope * (x - xp[j]) + fp[j];
    if r.is_nan() {
        r = slope * (x - xp[j + 1]) + fp[j + 1];
        if r.is_nan() && fp[j] == fp[j + 1] {
            r = fp[j];
        }
    }
    r
}

/// NumPy's floating-point modulo: the result has the sign of `p`.
fn np_mod(x: f64, p: f64) -> f64 {
    let m = x % p;
    if m != 0.0 && ((p < 0.0) != (m < 0.0)) {
        m + p
    } else if m == 0.0 {
        0.0_f64.copysign(p)
    } else {
        m
    }
}

/// Periodic sample points as `np.interp(period=...)` builds them: reduced
/// modulo the period, sorted, and extended by one point on either side.
fn periodic_points(xp: &[f64], fp: &[f64], period: f64) -> Result<(Vec<f64>, Vec<f64>)> {
    if period == 0.0 || period.is_nan() {
        return invalid("interp", "period", "period must be a non-zero number");
    }
    if xp.is_empty() || xp.len() != fp.len() {
        return check_points(xp, fp).map(|_| (vec![], vec![]));
    }
    let p = period.abs();
    let mut pairs: Vec<(f64, f64)> = xp
        .iter()
        .map(|&x| np_mod(x, p))
        .zip(fp.iter().copied())
        .collect();
    if pairs.iter().any(|(x, _)| x.is_nan()) {
        return invalid("interp", "xp", "xp contains NaN");
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = pairs.len();
    let mut xs = Vec::with_capacity(n + 2);
    let mut fs = Vec::with_capacity(n + 2);
    xs.push(pairs[n - 1].0 - p);
    fs.push(pairs[n - 1].1);
    for &(x, f) in &pairs {
        xs.push(x);
        fs.push(f);
    }
    xs.push(pairs[0].0 + p);
    fs.push(pairs[0].1);
    Ok((xs, fs))
}

/// The keyword arguments of [`interp`] (NumPy's `left`, `right`,
/// `period`); `Default` is NumPy's.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct InterpOptions {
    /// The value below `xp[0]` (default `fp[0]`).
    pub left: Option<f64>,
    /// The value above `xp[-1]` (default `fp[-1]`).
    pub right: Option<f64>,
    /// A period of the sample points (which makes `left`/`right`
    /// irrelevant, as in NumPy).
    pub period: Option<f64>,
}

/// One-dimensional linear interpolation, `np.interp(x, xp, fp, left=None,
/// right=None, period=None)`.
///
/// `xp` must be non-decreasing (an error otherwise, where NumPy would return
/// garbage). Points below `xp[0]` give `left` (default `fp[0]`), points above
/// `xp[-1]` give `right` (default `fp[-1]`); the arithmetic is NumPy's, so
/// results agree to the last bit.
///
/// # Errors
///
/// [`Error::Value`] for empty or mismatched sample points, a decreasing
/// `xp`, or a zero period; [`Error::NaN`] for NaN in `xp`.
pub fn interp(x: &[f64], xp: &[f64], fp: &[f64], options: InterpOptions) -> Result<Vec<f64>> {
    let InterpOptions {
        left,
        right,
        period,
    } = options;
    match period {
        None => {
            check_points(xp, fp)?;
            let l = left.unwrap_or(fp[0]);
            let r = right.unwrap_or(fp[fp.len() - 1]);
            Ok(x.iter().map(|&v| interp1(v, xp, fp, l, r)).collect())
        }
        Some(p) => {
            let (xs, fs) = periodic_points(xp, fp, p)?;
            let p = p.abs();
            let xm: Vec<f64> = x.iter().map(|&v| np_mod(v, p)).collect();
            interp(&xm, &xs, &fs, InterpOptions::default())
        }
    }
}

/// NumPy's pairwise summation (the algorithm of `np.add.reduce`).
pub fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        a.iter().fold(0.0, |s, &v| s + v)
    } else if n <= 128 {
        let mut r = [0.0; 8];
        r.copy_from_slice(&a[..8]);
        let m = n - n % 8;
        let mut i = 8;
        while i < m {
            for (k, rk) in r.iter_mut().enumerate() {
                *rk += a[i + k];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &v in &a[m..] {
            res += v;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum(&a[..n2]) + pairwise_sum(&a[n2..])
    }
}

/// Trapezoidal rule `np.trapezoid(y, x)`:
/// `sum((x[i+1] - x[i]) * (y[i+1] + y[i]) / 2)`; zero for fewer than two
/// points. The lengths must agree.
///
/// # Errors
///
/// [`Error::Value`] when `y` and `x` have different lengths.
pub fn trapezoid(y: &[f64], x: &[f64]) -> Result<f64> {
    if y.len() != x.len() {
        return invalid(
            "trapezoid",
            "x",
            format!(
                "y and x have different lengths ({} and {})",
                y.len(),
                x.len()
            ),
        );
    }
    Ok(trapezoid_unchecked(y, x))
}

/// [`trapezoid`] for slices known to have the same length.
pub(crate) fn trapezoid_unchecked(y: &[f64], x: &[f64]) -> f64 {
    if y.len() < 2 {
        return 0.0;
    }
    let terms: Vec<f64> = (0..y.len() - 1)
        .map(|i| (x[i + 1] - x[i]) * (y[i + 1] + y[i]) / 2.0)
        .collect();
    pairwise_sum(&terms)
}

/// `np.gradient(f)` with unit spacing: central differences
/// `(f[i+1] - f[i-1]) / 2` inside, one-sided differences at the ends.
/// Needs at least two points.
///
/// # Errors
///
/// [`Error::Value`] for fewer than two points.
pub fn gradient(f: &[f64]) -> Result<Vec<f64>> {
    let n = f.len();
    if n < 2 {
        return invalid("gradient", "f", format!("need at least 2 points, got {n}"));
    }
    let mut g = vec![0.0; n];
    g[0] = f[1] - f[0];
    g[n - 1] = f[n - 1] - f[n - 2];
    for i in 1..n - 1 {
        g[i] = (f[i + 1] - f[i - 1]) / 2.0;
    }
    Ok(g)
}

/// Sorted union of the values of `a` and `b`, without repeats (`np.union1d`).
pub fn union1d(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut u: Vec<f64> = a.iter().chain(b).copied().collect();
    u.sort_by(|x, y| x.total_cmp(y));
    u.dedup_by(|x, y| x == y);
    u
}

/// `np.linspace(start, stop, num, endpoint)`, with NumPy's arithmetic:
/// `start + i * step`, and the last point set to `stop` when `endpoint`.
pub fn linspace(start: f64, stop: f64, num: usize, endpoint: bool) -> Vec<f64> {
    let div = if endpoint { num.saturating_sub(1) } else { num };
    let delta = stop - start;
    let mut y: Vec<f64> = (0..num).map(|i| i as f64).collect();
    if div > 0 {
        let step = delta / div as f64;
        if step == 0.0 {
            y.iter_mut().for_each(|v| *v = *v / div as f64 * delta);
        } else {
            y.iter_mut().for_each(|v| *v *= step);
        }
    } else {
        y.iter_mut().for_each(|v| *v *= delta);
    }
    y.iter_mut().for_each(|v| *v += start);
    if endpoint && num > 1 {
        y[num - 1] = stop;
    }
    y
}

/// `np.arange(start, stop, step)` for floats: `ceil((stop - start) / step)`
/// values `start + i * delta`, where `delta = (start + step) - start`, as
/// NumPy fills them. A zero or non-finite step is an error.
///
/// # Errors
///
/// [`Error::Value`] for a zero or non-finite step, non-finite bounds, or more values than fit
/// in memory.
pub fn arange(start: f64, stop: f64, step: f64) -> Result<Vec<f64>> {
    if step == 0.0 || !step.is_finite() {
        return invalid(
            "arange",
            "step",
            format!("step must be finite and non-zero, got {step}"),
        );
    }
    if !start.is_finite() || !stop.is_finite() {
        return invalid(
            "arange",
            "start",
            format!("start and stop must be finite, got {start} and {stop}"),
        );
    }
    let len = ((stop - start) / step).ceil();
    if len <= 0.0 {
        return Ok(vec![]);
    }
    if len > 1e9 {
        return invalid("arange", "stop", format!("{len} values are too many"));
    }
    let len = len as usize;
    let delta = (start + step) - start;
    Ok((0..len)
        .map(|i| {
            if i == 0 {
                start
            } else {
                start + i as f64 * delta
            }
        })
        .collect())
}

/// The next representable `f64` after `x` towards `y` (`np.nextafter`).
pub fn nextafter(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == y {
        return y;
    }
    if x == 0.0 {
        return f64::from_bits(1).copysign(y);
    }
    let bits = x.to_bits();
    let up = (y > x) == (x > 0.0);
    f64::from_bits(if up { bits + 1 } else { bits - 1 })
}

/// Broadcast shapes with NumPy's rules (trailing axes aligned).
///
/// # Errors
///
/// [`Error::Value`] when the shapes do not broadcast.
pub fn broadcast_shapes(shapes: &[&[usize]]) -> Result<Vec<usize>> {
    let nd = shapes.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out = vec![1usize; nd];
    for s in shapes {
        let off = nd - s.len();
        for (i, &d) in s.iter().enumerate() {
            let o = &mut out[off + i];
            if *o == 1 {
                *o = d;
            } else if d != 1 && d != *o {
                return invalid(
                    "broadcast_shapes",
                    "shapes",
                    format!("shape mismatch: cannot broadcast shapes {shapes:?} together"),
                );
            }
        }
    }
    Ok(out)
}

/// Broadcast one array to `shape` (an error naming both shapes otherwise).
///
/// # Errors
///
/// [`Error::Value`] when `a` does not broadcast to `shape`.
pub fn broadcast_to(a: &ArrayViewD<'_, f64>, shape: &[usize]) -> Result<ArrayD<f64>> {
    match a.broadcast(IxDyn(shape)) {
        Some(v) => Ok(v.to_owned()),
        None => invalid(
            "broadcast_to",
            "shape",
            format!(
                "cannot broadcast an array of shape {:?} to shape {shape:?}",
                a.shape()
            ),
        ),
    }
}

/// Broadcast arrays, treating the first axis as common.
///
/// Each array with at least one axis has its first axis moved to the end,
/// the arrays are broadcast together, and the axis is moved back: so the
/// first axes must agree (or be 1), and the rest broadcast from the right.
///
/// # Errors
///
/// [`Error::Value`] when the shapes do not broadcast.
pub fn broadcast_first(arrays: &[ArrayViewD<'_, f64>]) -> Result<Vec<ArrayD<f64>>> {
    let moved: Vec<ArrayViewD<'_, f64>> = arrays.iter().map(move_first_last).collect();
    let shapes: Vec<&[usize]> = moved.iter().map(|a| a.shape()).collect();
    let shape = broadcast_shapes(&shapes).map_err(|_| {
        Error::value(
            "broadcast_first",
            "arrays",
            format!("cannot broadcast shapes {:?}", shape_list(arrays)),
        )
    })?;
    moved
        .iter()
        .map(|a| {
            // as GLASS: every broadcast result with axes has its last axis moved back
            let b = broadcast_to(a, &shape)?;
            Ok(if b.ndim() > 0 { move_last_first(b) } else { b })
        })
        .collect()
}

fn shape_list(arrays: &[ArrayViewD<'_, f64>]) -> Vec<Vec<usize>> {
    arrays.iter().map(|a| a.shape().to_vec()).collect()
}

fn move_first_last<'a>(a: &ArrayViewD<'a, f64>) -> ArrayViewD<'a, f64> {
    let nd = a.ndim();
    if nd == 0 {
        return a.clone();
    }
    let perm: Vec<usize> = (1..nd).chain([0]).collect();
    a.clone().permuted_axes(IxDyn(&perm))
}

fn move_last_first(a: ArrayD<f64>) -> ArrayD<f64> {
    let nd = a.ndim();
    let perm: Vec<usize> = [nd - 1].into_iter().chain(0..nd - 1).collect();
    a.permuted_axes(IxDyn(&perm))
        .as_standard_layout()
        .into_owned()
}

/// Broadcast all but the last `n` axes of each array.
///
/// Returns the broadcast shape of the leading axes and every array with
/// leading axes of that shape (trailing `n` axes kept), as GLASS does:
/// with `a` scalar, `b` of shape (4, 10) and `c` of shape (3, 1, 5, 6),
/// `broadcast_leading_axes((a, 0), (b, 1), (c, 2))` gives `dims = (3, 4)`
/// and shapes (3, 4), (3, 4, 10), (3, 4, 5, 6).
///
/// # Errors
///
/// [`Error::Value`] when an argument has fewer axes than it keeps, or the leading shapes do not
/// broadcast.
pub fn broadcast_leading_axes(
    args: &[(ArrayViewD<'_, f64>, usize)],
) -> Result<(Vec<usize>, Vec<ArrayD<f64>>)> {
    let mut leading: Vec<&[usize]> = Vec::with_capacity(args.len());
    let mut trails: Vec<&[usize]> = Vec::with_capacity(args.len());
    for (k, (a, n)) in args.iter().enumerate() {
        let s = a.shape();
        if *n > s.len() {
            return invalid(
                "broadcast_leading_axes",
                "args",
                format!("argument {k} has shape {s:?}, fewer than the {n} axes to keep"),
            );
        }
        leading.push(&s[..s.len() - n]);
        trails.push(&s[s.len() - n..]);
    }
    let dims = broadcast_shapes(&leading).map_err(|_| {
        Error::value(
            "broadcast_leading_axes",
            "args",
            format!("cannot broadcast leading shapes {leading:?}"),
        )
    })?;
    let arrs = args
        .iter()
        .zip(&trails)
        .map(|((a, _), t)| {
            let shape: Vec<usize> = dims.iter().chain(t.iter()).copied().collect();
            broadcast_to(a, &shape)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((dims, arrs))
}

/// Normalises a possibly negative axis for an array of `ndim` axes.
///
/// # Errors
///
/// [`Error::Value`] for an axis out of range (`what` names the function).
pub fn normalize_axis(axis: isize, ndim: usize, what: &'static str) -> Result<usize> {
    let n = ndim as isize;
    let a = if axis < 0 { axis + n } else { axis };
    if a < 0 || a >= n {
        return invalid(
            what,
            "axis",
            format!("axis {axis} is out of bounds for an array of {ndim} dimensions"),
        );
    }
    Ok(a as usize)
}

/// Interpolate a multi-dimensional array over one axis.
///
/// The keyword arguments of [`ndinterp`]; `Default` is GLASS's
/// (`axis = -1`, NumPy's interpolation defaults).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NdinterpOptions {
    /// The axis of `fq` that `xq` samples.
    pub axis: isize,
    /// `left`, `right`, `period` as in [`interp`].
    pub interp: InterpOptions,
}

impl Default for NdinterpOptions {
    fn default() -> Self {
        NdinterpOptions {
            axis: -1,
            interp: InterpOptions::default(),
        }
    }
}

/// Every 1-D slice of `fq` along `axis` is interpolated linearly
/// (`np.interp`) from the sample points `xq` to the points `x`; the result
/// has `fq`'s shape with that axis replaced by `x`'s shape (removed for a
/// scalar `x`). `left`, `right` and `period` are those of `np.interp`.
///
/// GLASS: `ndinterp(x, xq, fq, NdinterpOptions { axis: axis=-1, interp: InterpOptions { left: left=None, right: right=None, period: period=None } })`.
///
/// # Errors
///
/// As [`interp`], and [`Error::Value`] for an axis out of range or a
/// length of `xq` that is not that of the axis.
pub fn ndinterp(
    x: ArrayViewD<'_, f64>,
    xq: &[f64],
    fq: ArrayViewD<'_, f64>,
    options: NdinterpOptions,
) -> Result<ArrayD<f64>> {
    let NdinterpOptions { axis, interp: io } = options;
    let ax = normalize_axis(axis, fq.ndim(), "ndinterp")?;
    if fq.shape()[ax] != xq.len() {
        return invalid(
            "ndinterp",
            "xq",
            format!(
                "fq has {} values along axis {axis} but xq has {}",
                fq.shape()[ax],
                xq.len()
            ),
        );
    }
    let xs: Vec<f64> = x.iter().copied().collect();
    // result with the interpolated axis last, then moved into place
    let mut outer: Vec<usize> = fq.shape().to_vec();
    outer.remove(ax);
    let nx = xs.len();
    let mut data = Vec::with_capacity(outer.iter().product::<usize>() * nx);
    let moved = fq.clone().permuted_axes(IxDyn(
        &(0..fq.ndim())
            .filter(|&i| i != ax)
            .chain([ax])
            .collect::<Vec<_>>(),
    ));
    let lanes = moved.lanes(Axis(fq.ndim() - 1));
    for lane in lanes {
        let fp: Vec<f64> = lane.iter().copied().collect();
        data.extend(interp(&xs, xq, &fp, io)?);
    }
    let mut shape = outer.clone();
    shape.push(nx);
    let out =
        ArrayD::from_shape_vec(IxDyn(&shape), data).map_err(|e| Error::internal("ndinterp", e))?;
    // move the last axis back to `ax`, then expand it into x's shape
    let nd = shape.len();
    let perm: Vec<usize> = (0..ax).chain([nd - 1]).chain(ax..nd - 1).collect();
    let out = out
        .permuted_axes(IxDyn(&perm))
        .as_standard_layout()
        .into_owned();
    let final_shape: Vec<usize> = outer[..ax]
        .iter()
        .chain(x.shape())
        .chain(&outer[ax..])
        .copied()
        .collect();
    out.into_shape_with_order(IxDyn(&final_shape))
        .map_err(|e| Error::internal("ndinterp", e))
}

/// Trapezoidal rule for a product of functions.
///
/// Each function is a pair `(x, f)` of sample points and values. The
/// product is integrated over the intersection of the functions' ranges, on
/// the union of their sample points there, with every function linearly
/// interpolated onto that grid.
///
/// # Errors
///
/// As [`interp`]: empty, mismatched or decreasing sample points.
pub fn trapezoid_product(f: (&[f64], &[f64]), ff: &[(&[f64], &[f64])]) -> Result<f64> {
    check_points(f.0, f.1)?;
    let mut x: Vec<f64> = f.0.to_vec();
    for (x_, f_) in ff {
        check_points(x_, f_)?;
        let (lo, hi) = (x_[0], x_[x_.len() - 1]);
        let a: Vec<f64> = x.iter().copied().filter(|&v| v >= lo && v <= hi).collect();
        let (xlo, xhi) = match (x.first(), x.last()) {
            (Some(&a), Some(&b)) => (a, b),
            _ => (f64::NAN, f64::NAN),
        };
        let b: Vec<f64> = x_
            .iter()
            .copied()
            .filter(|&v| v >= xlo && v <= xhi)
            .collect();
        x = union1d(&a, &b);
    }
    let mut y = interp(&x, f.0, f.1, InterpOptions::default())?;
    for (x_, f_) in ff {
        let yi = interp(&x, x_, f_, InterpOptions::default())?;
        y.iter_mut().zip(yi).for_each(|(a, b)| *a *= b);
    }
    Ok(trapezoid_unchecked(&y, &x))
}

/// Cumulative trapezoidal rule along the last axis, starting at zero:
/// `out[..., 0] = 0`, `out[..., i] = sum_{k<i} (f[..., k+1] + f[..., k]) * 0.5 * (x[k+1] - x[k])`.
///
/// # Errors
///
/// [`Error::Value`] when `f` has no axis or its last axis is not as long as `x`.
pub fn cumulative_trapezoid(f: ArrayViewD<'_, f64>, x: &[f64]) -> Result<ArrayD<f64>> {
    if f.ndim() == 0 {
        return invalid("cumulative_trapezoid", "f", "f must have at least one axis");
    }
    let n = f.shape()[f.ndim() - 1];
    if n != x.len() {
        return invalid(
            "cumulative_trapezoid",
            "x",
            format!("the last axis of f has {n} values but x has {}", x.len()),
        );
    }
    let mut out = ArrayD::<f64>::zeros(f.raw_dim());
    for (lane, mut o) in f
        .lanes(Axis(f.ndim() - 1))
        .into_iter()
        .zip(out.lanes_mut(Axis(f.ndim() - 1)))
    {
        let mut acc = 0.0;
        for k in 1..n {
            acc += (lane[k] + lane[k - 1]) * 0.5 * (x[k] - x[k - 1]);
            o[k] = acc;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{arr0, arr1, arr2, Array};

    #[test]
    fn interp_matches_numpy_semantics() {
        let xp = [0.0, 1.0, 1.0, 2.0];
        let fp = [0.0, 1.0, 3.0, 4.0];
        let y = interp(
            &[-1.0, 0.5, 1.0, 1.5, 2.0, 3.0, f64::NAN],
            &xp,
            &fp,
            InterpOptions {
                right: Some(-9.0),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(&y[..6], &[0.0, 0.5, 3.0, 3.5, 4.0, -9.0]);
        assert!(y[6].is_nan());
        assert_eq!(
            interp(
                &[0.0, 1.0, 2.0],
                &[1.0],
                &[5.0],
                InterpOptions {
                    left: Some(-1.0),
                    right: Some(1.0),
                    ..Default::default()
                }
            )
            .unwrap(),
            vec![-1.0, 5.0, 1.0]
        );
    }

    #[test]
    fn interp_errors() {
        assert!(interp(&[0.0], &[], &[], InterpOptions::default()).is_err());
        assert!(interp(&[0.0], &[0.0, 1.0], &[0.0], InterpOptions::default()).is_err());
        let e = interp(&[0.0], &[1.0, 0.0], &[0.0, 1.0], InterpOptions::default()).unwrap_err();
        assert!(
            e.to_string().contains("not monotonically increasing"),
            "{e}"
        );
        assert!(interp(
            &[0.0],
            &[0.0, 1.0],
            &[0.0, 1.0],
            InterpOptions {
                period: Some(0.0),
                ..Default::default()
            }
        )
        .is_err());
    }

    #[test]
    fn periodic_interp_wraps() {
        // a triangle of period 4 sampled at 1 and 3
        let y = interp(
            &[1.0, 2.0, 5.0, -1.0, 0.0],
            &[1.0, 3.0],
            &[1.0, 0.0],
            InterpOptions {
                period: Some(4.0),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(y, vec![1.0, 0.5, 1.0, 0.0, 0.5]);
    }

    #[test]
    fn trapezoid_and_gradient() {
        assert_eq!(trapezoid(&[1.0, 3.0], &[0.0, 2.0]).unwrap(), 4.0);
        assert_eq!(trapezoid(&[1.0], &[0.0]).unwrap(), 0.0);
        assert!(trapezoid(&[1.0], &[0.0, 1.0]).is_err());
        let x: Vec<f64> = (0..300).map(|i| i as f64 * 0.01).collect();
        let y: Vec<f64> = x.iter().map(|v| 2.0 * v).collect();
        let t = trapezoid(&y, &x).unwrap();
        assert!((t - 2.99f64.powi(2)).abs() < 1e-12);
        assert_eq!(
            gradient(&[1.0, 2.0, 4.0, 8.0]).unwrap(),
            vec![1.0, 1.5, 3.0, 4.0]
        );
        assert!(gradient(&[1.0]).is_err());
    }

    #[test]
    fn grids() {
        assert_eq!(linspace(0.0, 1.0, 5, true), vec![0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(linspace(0.0, 1.0, 4, false), vec![0.0, 0.25, 0.5, 0.75]);
        assert_eq!(linspace(2.0, 3.0, 1, true), vec![2.0]);
        assert!(linspace(0.0, 1.0, 0, true).is_empty());
        assert_eq!(arange(0.0, 1.0, 0.25).unwrap(), vec![0.0, 0.25, 0.5, 0.75]);
        assert!(arange(1.0, 0.0, 0.5).unwrap().is_empty());
        assert!(arange(0.0, 1.0, 0.0).is_err());
        assert_eq!(union1d(&[3.0, 1.0, 1.0], &[2.0, 3.0]), vec![1.0, 2.0, 3.0]);
        assert!(nextafter(1.0, 0.0) < 1.0 && nextafter(1.0, 2.0) > 1.0);
        assert_eq!(nextafter(0.0, -1.0), -f64::from_bits(1));
    }

    #[test]
    fn broadcasting() {
        let a = arr1(&[1.0, 2.0, 3.0]).into_dyn();
        let b = Array::from_shape_fn((3, 2), |(i, j)| (10 * i + j) as f64).into_dyn();
        let r = broadcast_first(&[a.view(), b.view()]).unwrap();
        assert_eq!(r[0], arr2(&[[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]).into_dyn());
        assert_eq!(r[1], b);
        let c = arr1(&[1.0, 2.0]).into_dyn();
        assert!(broadcast_first(&[a.view(), c.view()]).is_err());
        let s = arr0(2.0).into_dyn();
        let (dims, r) = broadcast_leading_axes(&[(s.view(), 0), (b.view(), 1)]).unwrap();
        assert_eq!(dims, vec![3]);
        assert_eq!(r[0].shape(), &[3]);
        assert!(broadcast_leading_axes(&[(s.view(), 1)]).is_err());
    }

    #[test]
    fn ndinterp_axes_and_errors() {
        let fq = Array::from_shape_fn((2, 3), |(i, j)| (i * 10 + j) as f64).into_dyn();
        let x = arr1(&[0.5, 1.5]).into_dyn();
        let r = ndinterp(
            x.view(),
            &[0.0, 1.0, 2.0],
            fq.view(),
            NdinterpOptions::default(),
        )
        .unwrap();
        assert_eq!(r, arr2(&[[0.5, 1.5], [10.5, 11.5]]).into_dyn());
        let x0 = arr0(0.5).into_dyn();
        let r = ndinterp(
            x0.view(),
            &[0.0, 1.0],
            fq.view(),
            NdinterpOptions {
                axis: 0,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(r, arr1(&[5.0, 6.0, 7.0]).into_dyn());
        assert!(ndinterp(
            x.view(),
            &[0.0, 1.0],
            fq.view(),
            NdinterpOptions {
                axis: 1,
                ..Default::default()
            }
        )
        .is_err());
        assert!(ndinterp(
            x.view(),
            &[0.0, 1.0],
            fq.view(),
            NdinterpOptions {
                axis: 2,
                ..Default::default()
            }
        )
        .is_err());
    }

    #[test]
    fn cumulative() {
        let f = arr2(&[[1.0, 1.0, 1.0], [0.0, 2.0, 0.0]]).into_dyn();
        let c = cumulative_trapezoid(f.view(), &[0.0, 1.0, 3.0]).unwrap();
        assert_eq!(c, arr2(&[[0.0, 1.0, 3.0], [0.0, 1.0, 3.0]]).into_dyn());
        assert!(cumulative_trapezoid(f.view(), &[0.0, 1.0]).is_err());
        let e = arr1(&[] as &[f64]).into_dyn();
        assert_eq!(cumulative_trapezoid(e.view(), &[]).unwrap().len(), 0);
    }

    #[test]
    fn product_rule() {
        // ∫_0^1 x * 1 dx on overlapping grids
        let t = trapezoid_product(
            (&[0.0, 1.0, 2.0], &[0.0, 1.0, 2.0]),
            &[(&[-1.0, 1.0], &[1.0, 1.0])],
        )
        .unwrap();
        assert!((t - 0.5).abs() < 1e-15);
    }
}
