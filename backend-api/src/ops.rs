//! The op list: every op the host knows, by its Array API name, with its
//! argument convention.
//!
//! Ops are called by id; the host resolves the names a backend lists to ids
//! once, when it loads the backend. Adding an op to this list is a *minor*
//! change ([`OP_LIST_VERSION`] goes up, the ABI does not change): an older
//! plugin keeps loading and answers `Unsupported` for the ops it does not
//! list. A backend may also list ops that are not here (its own extensions);
//! the host calls them by name.
//!
//! # Conventions
//!
//! Arguments are positional [`RValue`](crate::RValue)s. Trailing optional
//! arguments may be left out; `None` stands for an omitted one in the middle.
//! Axes may be negative (counted from the end). `device` is a backend-defined
//! index (0 is the default device). Scalars in binary ops (`Bool`, `Int`,
//! `Float`, `Complex` in place of an array) take the array's dtype, as Python
//! scalars do in the Array API; at least one operand is an array. Results are
//! arrays unless stated otherwise.
//!
//! Extension namespaces: `random.*` (the reference random streams of
//! [`crate::random`]), `healpix.*` (pixelisation and spherical harmonic
//! transforms); `glass.*` is reserved for helpers GLASS adds to the
//! standard (none yet: `interp` and friends are written in standard ops on
//! the host). `linalg.*` and `fft.*` are the standard's extensions.
//!
//! # Dtype domains: one rule
//!
//! Each op has the domain of dtypes the Array API standard defines it for
//! (`sin` real and complex floating, `bitwise_and` integer and bool, ...).
//! Inside its domain every backend gives the standard's result dtype and
//! values. Outside it the standard leaves the behaviour to the
//! implementation, and this contract allows exactly two answers: a `DType`
//! error, or a result (the ndarray backend computes NumPy's, e.g. bool
//! promoted to float64). Anything else (another error kind, a caught panic)
//! is a bug. The strict backend always answers `DType`, like
//! `array_api_strict`. The conformance suite holds every backend to this
//! rule (it does not check the values of out-of-domain results) and checks
//! strict's refusals in strict's own tests.

use std::sync::OnceLock;

use crate::params::Param;

/// The version of the op list. Bumped whenever ops are added.
pub const OP_LIST_VERSION: u32 = 4;

/// What the contract says about one op.
#[derive(Clone, Copy, Debug)]
pub struct OpSpec {
    /// Name, as a backend lists it (`"add"`, `"linalg.cholesky"`, ...).
    pub name: &'static str,
    /// Argument convention, machine-readable: [`Op::params`] reads it (see
    /// [`crate::params`] for the grammar).
    pub signature: &'static str,
    /// Meaning (Array API semantics unless stated otherwise).
    pub doc: &'static str,
    /// The [`OP_LIST_VERSION`] that added it.
    pub since: u32,
}

impl OpSpec {
    /// The namespace (`"linalg"`, `"random"`, ...) or `""` for the core.
    pub fn namespace(&self) -> &'static str {
        match self.name.split_once('.') {
            Some((ns, _)) => ns,
            None => "",
        }
    }

    /// Whether the op belongs to the Array API standard (core, `linalg`,
    /// `fft`), as opposed to an extension namespace, or the host<->device
    /// transfers that every backend must have.
    pub fn is_standard(&self) -> bool {
        matches!(self.namespace(), "" | "linalg" | "fft")
    }
}

macro_rules! define_ops {
    ($( $variant:ident = $name:literal, $since:literal, $sig:literal, $doc:literal; )*) => {
        /// Every op the host knows. `Op::X as usize` indexes [`OPS`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u32)]
        pub enum Op { $( #[doc = $doc] $variant, )* }

        /// The specification of every op, in the order of [`Op`].
        pub const OPS: &[OpSpec] = &[
            $( OpSpec { name: $name, signature: $sig, doc: $doc, since: $since }, )*
        ];

        impl Op {
            /// Every op, in order.
            pub const ALL: &'static [Op] = &[ $( Op::$variant, )* ];
        }
    };
}

impl Op {
    /// The typed parameters of the op, read once from its signature (see
    /// [`crate::params`]; a test checks that every signature parses).
    pub fn params(self) -> &'static [Param] {
        // Derived from the constant table, the same for every user: not a
        // cache of anyone's state.
        static PARAMS: OnceLock<Vec<Vec<Param>>> = OnceLock::new();
        let all = PARAMS.get_or_init(|| {
            OPS.iter()
                .map(|s| crate::params::parse(s.signature).unwrap_or_default())
                .collect()
        });
        &all[self as usize]
    }

    pub fn spec(self) -> &'static OpSpec {
        &OPS[self as usize]
    }
    pub fn name(self) -> &'static str {
        self.spec().name
    }
    /// Looks an op up by name.
    pub fn from_name(name: &str) -> Option<Op> {
        Op::ALL.iter().copied().find(|op| op.name() == name)
    }
}

impl std::fmt::Display for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

define_ops! {
    // --- transfers and creation -------------------------------------------
    Asarray = "asarray", 1, "(data: Buffer, shape: Ints, device: Int = 0)",
        "Uploads host data (C order) as an array of the buffer's dtype and the given shape.";
    ToHost = "to_host", 1, "(x) -> Buffer",
        "Downloads an array to a host buffer in C order.";
    Zeros = "zeros", 1, "(shape: Ints, dtype: DType, device: Int = 0)", "An array of zeros.";
    Ones = "ones", 1, "(shape: Ints, dtype: DType, device: Int = 0)", "An array of ones.";
    Empty = "empty", 1, "(shape: Ints, dtype: DType, device: Int = 0)",
        "An array whose contents are unspecified.";
    Full = "full", 1, "(shape: Ints, fill_value: scalar, dtype: DType, device: Int = 0)",
        "An array filled with `fill_value`.";
    Arange = "arange", 1, "(start: Float|Int, stop: Float|Int, step: Float|Int, dtype: DType, device: Int = 0)",
        "Values `start + i*step` for `i` in `0..ceil((stop-start)/step)`.";
    Linspace = "linspace", 1, "(start: Float|Complex, stop: Float|Complex, num: Int, endpoint: Bool, dtype: DType, device: Int = 0)",
        "`num` evenly spaced values from `start` to `stop` (included if `endpoint`).";
    Eye = "eye", 1, "(n_rows: Int, n_cols: Int|None, k: Int, dtype: DType, device: Int = 0)",
        "A 2-d array with ones on the k-th diagonal.";
    ZerosLike = "zeros_like", 1, "(x, dtype: DType|None)", "Zeros with the shape (and dtype) of `x`.";
    OnesLike = "ones_like", 1, "(x, dtype: DType|None)", "Ones with the shape (and dtype) of `x`.";
    EmptyLike = "empty_like", 1, "(x, dtype: DType|None)", "Unspecified values with the shape (and dtype) of `x`.";
    FullLike = "full_like", 1, "(x, fill_value: scalar, dtype: DType|None)", "`fill_value` with the shape (and dtype) of `x`.";
    Astype = "astype", 1, "(x, dtype: DType)",
        "Converts to `dtype` (complex to real is refused; float to int truncates).";
    ToDevice = "to_device", 1, "(x, device: Int)", "Copies `x` to another device of the same backend.";
    Sync = "sync", 3, "() -> nothing",
        "Waits until all work the backend has queued is done (a no-op for a synchronous backend). Timing harnesses call it after each timed iteration so that an asynchronous GPU backend is timed honestly; a backend that does not list it is taken to be synchronous.";

    // --- elementwise, unary --------------------------------------------------
    Abs = "abs", 1, "(x)", "|x|; for complex the modulus (float64).";
    Acos = "acos", 1, "(x)", "Inverse cosine.";
    Acosh = "acosh", 1, "(x)", "Inverse hyperbolic cosine.";
    Asin = "asin", 1, "(x)", "Inverse sine.";
    Asinh = "asinh", 1, "(x)", "Inverse hyperbolic sine.";
    Atan = "atan", 1, "(x)", "Inverse tangent.";
    Atanh = "atanh", 1, "(x)", "Inverse hyperbolic tangent.";
    Ceil = "ceil", 1, "(x)", "Smallest integer value >= x (real dtypes).";
    Conj = "conj", 1, "(x)", "Complex conjugate (complex dtypes).";
    Cos = "cos", 1, "(x)", "Cosine.";
    Cosh = "cosh", 1, "(x)", "Hyperbolic cosine.";
    Exp = "exp", 1, "(x)", "e^x.";
    Expm1 = "expm1", 1, "(x)", "e^x - 1, accurate near 0.";
    Floor = "floor", 1, "(x)", "Largest integer value <= x (real dtypes).";
    Imag = "imag", 1, "(x)", "Imaginary part of a complex array (float64).";
    Isfinite = "isfinite", 1, "(x)", "Whether each element is finite (bool).";
    Isinf = "isinf", 1, "(x)", "Whether each element is infinite (bool).";
    Isnan = "isnan", 1, "(x)", "Whether each element is NaN (bool).";
    Log = "log", 1, "(x)", "Natural logarithm.";
    Log1p = "log1p", 1, "(x)", "log(1 + x), accurate near 0.";
    Log2 = "log2", 1, "(x)", "Base-2 logarithm.";
    Log10 = "log10", 1, "(x)", "Base-10 logarithm.";
    LogicalNot = "logical_not", 1, "(x)", "Logical not (bool).";
    Negative = "negative", 1, "(x)", "-x.";
    Positive = "positive", 1, "(x)", "+x.";
    Real = "real", 1, "(x)", "Real part of a complex array (float64).";
    Round = "round", 1, "(x)", "Rounds to the nearest integer value, halves to even.";
    Sign = "sign", 1, "(x)", "Sign: -1, 0, 1 (x/|x| for complex).";
    Signbit = "signbit", 1, "(x)", "Whether the sign bit is set (real floating, bool result).";
    Sin = "sin", 1, "(x)", "Sine.";
    Sinh = "sinh", 1, "(x)", "Hyperbolic sine.";
    Sqrt = "sqrt", 1, "(x)", "Square root (principal for complex).";
    Square = "square", 1, "(x)", "x*x.";
    Tan = "tan", 1, "(x)", "Tangent.";
    Tanh = "tanh", 1, "(x)", "Hyperbolic tangent.";
    Trunc = "trunc", 1, "(x)", "Rounds towards zero (real dtypes).";

    // --- elementwise, binary (broadcasting; scalars allowed) -----------------
    Add = "add", 1, "(x1, x2, inplace: Bool = false)",
        "x1 + x2. With `inplace`, the result must have x1's dtype and shape (else DType/Shape error), as for `x1 += x2`.";
    Subtract = "subtract", 1, "(x1, x2, inplace: Bool = false)", "x1 - x2.";
    Multiply = "multiply", 1, "(x1, x2, inplace: Bool = false)", "x1 * x2.";
    Divide = "divide", 1, "(x1, x2, inplace: Bool = false)", "True division x1 / x2 (floating result).";
    FloorDivide = "floor_divide", 1, "(x1, x2, inplace: Bool = false)", "floor(x1 / x2) (real dtypes).";
    Remainder = "remainder", 1, "(x1, x2, inplace: Bool = false)", "x1 - floor(x1/x2)*x2, with the sign of x2.";
    Pow = "pow", 1, "(x1, x2, inplace: Bool = false)", "x1 ** x2.";
    Atan2 = "atan2", 1, "(x1, x2)", "Angle of (x2, x1) in (-pi, pi]; `angle(z)` is atan2(imag, real).";
    Hypot = "hypot", 1, "(x1, x2)", "sqrt(x1^2 + x2^2) without overflow.";
    Maximum = "maximum", 1, "(x1, x2)", "Elementwise maximum (NaN propagates).";
    Minimum = "minimum", 1, "(x1, x2)", "Elementwise minimum (NaN propagates).";
    Copysign = "copysign", 1, "(x1, x2)", "|x1| with the sign of x2.";
    Logaddexp = "logaddexp", 1, "(x1, x2)", "log(exp(x1) + exp(x2)) without overflow.";
    Equal = "equal", 1, "(x1, x2)", "x1 == x2 (bool).";
    NotEqual = "not_equal", 1, "(x1, x2)", "x1 != x2 (bool).";
    Less = "less", 1, "(x1, x2)", "x1 < x2 (bool, real dtypes).";
    LessEqual = "less_equal", 1, "(x1, x2)", "x1 <= x2 (bool).";
    Greater = "greater", 1, "(x1, x2)", "x1 > x2 (bool).";
    GreaterEqual = "greater_equal", 1, "(x1, x2)", "x1 >= x2 (bool).";
    LogicalAnd = "logical_and", 1, "(x1, x2)", "Logical and (bool).";
    LogicalOr = "logical_or", 1, "(x1, x2)", "Logical or (bool).";
    LogicalXor = "logical_xor", 1, "(x1, x2)", "Logical xor (bool).";
    Clip = "clip", 1, "(x, min: scalar|array|None, max: scalar|array|None)", "Clamps to [min, max].";
    Where = "where", 1, "(condition: bool array, x1, x2)", "x1 where condition else x2 (broadcasting).";

    // --- statistical and utility reductions ---------------------------------
    Sum = "sum", 1, "(x, axis: Ints|None, keepdims: Bool = false, dtype: DType|None)",
        "Sum over axes (all when None); bool sums as int64.";
    Prod = "prod", 1, "(x, axis: Ints|None, keepdims: Bool = false, dtype: DType|None)", "Product over axes.";
    Mean = "mean", 1, "(x, axis: Ints|None, keepdims: Bool = false)", "Arithmetic mean (floating dtypes).";
    Std = "std", 1, "(x, axis: Ints|None, correction: Float = 0, keepdims: Bool = false)",
        "Standard deviation with `correction` degrees of freedom removed.";
    Var = "var", 1, "(x, axis: Ints|None, correction: Float = 0, keepdims: Bool = false)", "Variance.";
    Min = "min", 1, "(x, axis: Ints|None, keepdims: Bool = false)", "Minimum (Value error on an empty reduction).";
    Max = "max", 1, "(x, axis: Ints|None, keepdims: Bool = false)", "Maximum (Value error on an empty reduction).";
    Any = "any", 1, "(x, axis: Ints|None, keepdims: Bool = false)", "Whether any element is true (bool).";
    All = "all", 1, "(x, axis: Ints|None, keepdims: Bool = false)", "Whether all elements are true (bool).";
    Argmax = "argmax", 1, "(x, axis: Int|None, keepdims: Bool = false)", "Index of the first maximum (int64).";
    Argmin = "argmin", 1, "(x, axis: Int|None, keepdims: Bool = false)", "Index of the first minimum (int64).";
    CumulativeSum = "cumulative_sum", 1, "(x, axis: Int|None, include_initial: Bool = false)",
        "Running sum along an axis (axis may be None only for 1-d x).";
    CumulativeProd = "cumulative_prod", 1, "(x, axis: Int|None, include_initial: Bool = false)", "Running product.";

    // --- searching and sorting ----------------------------------------------
    Searchsorted = "searchsorted", 1, "(x1: sorted 1-d, x2, side: Str = \"left\")",
        "Insertion indices of x2 in x1 (int64), `side` as in NumPy.";
    Sort = "sort", 1, "(x, axis: Int = -1, descending: Bool = false, stable: Bool = true)", "Sorted copy (NaN last).";
    Argsort = "argsort", 1, "(x, axis: Int = -1, descending: Bool = false, stable: Bool = true)", "Indices that sort x (int64).";
    Nonzero = "nonzero", 1, "(x) -> one int64 array per axis", "Indices of the non-zero elements (data-dependent shape).";
    UniqueValues = "unique_values", 1, "(x)", "Sorted unique values, flattened (data-dependent shape).";
    CountNonzero = "count_nonzero", 1, "(x, axis: Ints|None, keepdims: Bool = false)", "Number of non-zero elements (int64).";

    // --- manipulation --------------------------------------------------------
    Reshape = "reshape", 1, "(x, shape: Ints)", "Same data in a new shape (one -1 allowed).";
    PermuteDims = "permute_dims", 1, "(x, axes: Ints)", "Permutes the axes.";
    MatrixTranspose = "matrix_transpose", 1, "(x)", "Swaps the last two axes.";
    BroadcastTo = "broadcast_to", 1, "(x, shape: Ints)", "Broadcasts to a shape.";
    BroadcastArrays = "broadcast_arrays", 1, "(x1, x2, ...) -> arrays", "Broadcasts arrays against each other.";
    ExpandDims = "expand_dims", 1, "(x, axis: Int)", "Inserts an axis of length one.";
    Squeeze = "squeeze", 1, "(x, axis: Ints)", "Removes axes of length one (Shape error otherwise).";
    Flip = "flip", 1, "(x, axis: Ints|None)", "Reverses the order along axes (all when None).";
    Roll = "roll", 1, "(x, shift: Ints, axis: Ints|None)", "Rolls elements along axes (flattened when None).";
    Repeat = "repeat", 1, "(x, repeats: Int|int64 array, axis: Int|None)",
        "Repeats each element (flattened when axis is None); an array of repeats makes the shape data-dependent.";
    Tile = "tile", 1, "(x, reps: Ints)", "Tiles x.";
    Concat = "concat", 1, "(axis: Int|None, x1, x2, ...)", "Joins arrays along an existing axis (flattened when None).";
    Stack = "stack", 1, "(axis: Int, x1, x2, ...)", "Joins arrays along a new axis.";
    Moveaxis = "moveaxis", 1, "(x, source: Ints, destination: Ints)", "Moves axes to new positions.";

    // --- indexing ---------------------------------------------------------------
    Getitem = "getitem", 1, "(x, index: Index)",
        "Basic indexing with integers, slices, newaxis and ellipsis; out-of-range integers are Shape errors.";
    Setitem = "setitem", 1, "(x, index: Index, value: array|scalar)",
        "A copy of x with the indexed region set to value (broadcast); value must not need a cross-kind cast.";
    Take = "take", 1, "(x, indices: int64 array, axis: Int|None)", "Elements at integer indices along an axis.";
    TakeAlongAxis = "take_along_axis", 1, "(x, indices: int64 array, axis: Int = -1)", "Takes values along an axis by matching indices.";
    GetitemMask = "getitem_mask", 1, "(x, mask: bool array)",
        "Boolean-mask indexing `x[mask]` over the leading axes of x (data-dependent shape).";

    // --- linear algebra ---------------------------------------------------------
    Matmul = "matmul", 1, "(x1, x2)", "Matrix product with broadcasting over leading axes.";
    Vecdot = "vecdot", 1, "(x1, x2, axis: Int = -1)", "Sum of conj(x1)*x2 along an axis.";
    Tensordot = "tensordot", 1, "(x1, x2, axes: Int)", "Contracts the last `axes` axes of x1 with the first of x2.";
    LinalgCholesky = "linalg.cholesky", 1, "(x, upper: Bool = false)", "Cholesky factor of (stacks of) symmetric positive-definite matrices.";
    LinalgSolve = "linalg.solve", 1, "(x1, x2)", "Solves x1 @ X = x2 (x2 a matrix, or a vector when it is 1-d).";
    LinalgInv = "linalg.inv", 1, "(x)", "Matrix inverse.";
    LinalgEigh = "linalg.eigh", 1, "(x) -> (eigenvalues, eigenvectors)", "Eigen-decomposition of symmetric/Hermitian matrices, ascending eigenvalues.";
    LinalgEigvalsh = "linalg.eigvalsh", 1, "(x)", "Eigenvalues of symmetric/Hermitian matrices, ascending.";
    LinalgDet = "linalg.det", 1, "(x)", "Determinant.";
    LinalgDiagonal = "linalg.diagonal", 1, "(x, offset: Int = 0)", "Diagonals of the last two axes.";
    LinalgOuter = "linalg.outer", 1, "(x1, x2)", "Outer product of two vectors.";
    LinalgVectorNorm = "linalg.vector_norm", 1, "(x, axis: Ints|None, keepdims: Bool = false, ord: Float = 2)", "Vector p-norm (ord may be inf, -inf, 0).";
    LinalgMatrixNorm = "linalg.matrix_norm", 1, "(x, keepdims: Bool = false, ord: Str = \"fro\")", "Frobenius norm of matrices.";

    // --- FFT ------------------------------------------------------------------
    FftFft = "fft.fft", 1, "(x, n: Int|None, axis: Int = -1, norm: Str = \"backward\")", "Complex discrete Fourier transform.";
    FftIfft = "fft.ifft", 1, "(x, n: Int|None, axis: Int = -1, norm: Str = \"backward\")", "Inverse complex DFT.";
    FftRfft = "fft.rfft", 1, "(x, n: Int|None, axis: Int = -1, norm: Str = \"backward\")", "DFT of real input, n//2+1 outputs.";
    FftIrfft = "fft.irfft", 1, "(x, n: Int|None, axis: Int = -1, norm: Str = \"backward\")", "Inverse of rfft (real output of length n, default 2*(m-1)).";
    FftFftfreq = "fft.fftfreq", 1, "(n: Int, d: Float = 1, dtype: DType = float64, device: Int = 0)", "Sample frequencies of fft.";
    FftRfftfreq = "fft.rfftfreq", 1, "(n: Int, d: Float = 1, dtype: DType = float64, device: Int = 0)", "Sample frequencies of rfft.";

    // --- random (extension): the reference streams of `crate::random` ----------
    RandomUniform = "random.uniform", 1, "(seed: Int, stream: Int, offset: Int, shape: Ints, low: Float = 0, high: Float = 1, dtype: DType = float64, device: Int = 0)",
        "Uniform draws in [low, high); element i of the output is element offset+i of the reference stream.";
    RandomNormal = "random.normal", 1, "(seed: Int, stream: Int, offset: Int, shape: Ints, loc: Float = 0, scale: Float = 1, dtype: DType = float64, device: Int = 0)",
        "Normal draws; element i is element offset+i of the reference stream.";
    RandomPoisson = "random.poisson", 1, "(seed: Int, stream: Int, offset: Int, lam: float64 array)",
        "Poisson draws (int64) of the shape of lam; element i is drawn with element index offset+i.";
    RandomMultinomial = "random.multinomial", 1, "(seed: Int, stream: Int, offset: Int, n: int64 array, pvals: float64 1-d array)",
        "Multinomial draws, int64 of shape n.shape + (len(pvals),); row i uses element index offset+i.";

    // --- healpix (extension): HEALPix in healpy's conventions (RING maps,
    // alm in healpy's m-major order); leading axes are a batch that shares
    // one Legendre pass ----------------------------------------------------
    HealpixAlm2map = "healpix.alm2map", 2, "(alm: complex128 (..., nalm), nside: Int, lmax: Int, mmax: Int) -> float64 (..., 12 nside^2)",
        "Spherical harmonic synthesis, as healpy.alm2map(alm, nside, lmax, mmax, pixwin=False).";
    HealpixMap2alm = "healpix.map2alm", 2, "(map: float64 (..., npix), lmax: Int, mmax: Int, iter: Int, ring_weights: float64 (2 nside) | float64 (12 nside^2) | None) -> complex128 (..., nalm)",
        "Spherical harmonic analysis with `iter` Jacobi iterations, as healpy.map2alm; `ring_weights` are healpy's ring weights w (2 nside values, pixel weight 4 pi/npix (1 + w)) or full pixel weights w_p (12 nside^2 values, pixel weight 4 pi/npix (1 + w_p), healpy's use_pixel_weights).";
    HealpixAlm2mapSpin = "healpix.alm2map_spin", 2, "(alm: complex128 (..., 2, nalm), nside: Int, spin: Int, lmax: Int, mmax: Int) -> float64 (..., 2, 12 nside^2)",
        "Spin-s synthesis of (E, B) alm to (Q, U) maps, as healpy.alm2map_spin.";
    HealpixMap2almSpin = "healpix.map2alm_spin", 2, "(maps: float64 (..., 2, npix), spin: Int, lmax: Int, mmax: Int, iter: Int, ring_weights: float64 (2 nside) | None) -> complex128 (..., 2, nalm)",
        "Spin-s analysis of (Q, U) maps to (E, B) alm, as healpy.map2alm_spin (which does not iterate: iter = 0).";
    HealpixAng2pix = "healpix.ang2pix", 2, "(nside: Int, theta: float64, phi: float64, nest: Bool) -> int64",
        "Pixels containing the directions (colatitude theta, longitude phi), as healpy.ang2pix.";
    HealpixPix2ang = "healpix.pix2ang", 2, "(nside: Int, pix: int64, nest: Bool) -> (theta, phi)",
        "Centres of the pixels, as healpy.pix2ang.";
    HealpixRandang = "healpix.randang", 2, "(nside: Int, pix: int64, u: float64, v: float64, nest: Bool) -> (theta, phi)",
        "The points at fractional face coordinates (u, v) in [0, 1) inside the pixels (uniform u, v give uniform points), as healpix.randang.";
    PointsPositions = "points.positions", 4, "(nside: Int, counts: int64 (n,), start: Int, u: float64 (size,), v: float64 (size,)) -> (lon, lat)",
        "Galaxy positions of a batch of RING pixels: pixel start + k holds counts[k] points, point g at (u[g], v[g]) in its pixel as healpix.randang, returned in degrees (lon = phi 180/pi, lat = 90 - theta 180/pi); size = sum(counts). The kernel of glass.points.positions_from_delta, without materialising repeat(pixels, counts).";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_resolve() {
        let mut names: Vec<_> = OPS.iter().map(|s| s.name).collect();
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(n, names.len(), "duplicate op names");
        for &op in Op::ALL {
            assert_eq!(Op::from_name(op.name()), Some(op));
        }
        assert_eq!(Op::from_name("no_such_op"), None);
    }

    #[test]
    fn namespaces() {
        assert!(Op::Add.spec().is_standard());
        assert!(Op::LinalgCholesky.spec().is_standard());
        assert_eq!(Op::RandomNormal.spec().namespace(), "random");
        assert!(!Op::RandomNormal.spec().is_standard());
    }
}
