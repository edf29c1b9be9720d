//! Random draws (GLASS's `glass.rng`): the reference streams of
//! `glass_backend_api::random`, on any backend.
//!
//! Python GLASS takes a NumPy `Generator`; here an [`Rng`] is a seed and a
//! stream counter. Each draw uses the next stream, and element `j` of a draw
//! is element `j` of that stream, so the same seed and the same sequence of
//! calls give the same universe on every backend, at any batch size and
//! thread count.
//!
//! A simulation does not rely on the order of calls: it takes a
//! [`substream`](Rng::substream) per purpose, keyed by what the draws are
//! for (realisation, shell, stage), so that one more shell, a new optional
//! stage or another realisation changes nothing else:
//!
//! ```
//! use glass::rng::{Key, Rng};
//! # fn main() -> glass::Result<()> {
//! let xp = glass::Backend::embedded_ndarray()?;
//! let rng = Rng::new(42);
//! let mut positions = rng.substream(&[Key::Realisation(12), Key::Shell(7), Key::Stage("positions")]);
//! let u = positions.uniform(&xp, &[4], 0.0, 1.0)?;
//! // the same purpose gives the same draws, whatever else was drawn before
//! let mut again = Rng::new(42).substream(&[Key::Realisation(12), Key::Shell(7), Key::Stage("positions")]);
//! assert_eq!(u.to_vec::<f64>()?, again.uniform(&xp, &[4], 0.0, 1.0)?.to_vec::<f64>()?);
//! # Ok(()) }
//! ```
//!
//! When a backend implements `random.*` the draws happen there. Otherwise
//! the host computes the same reference stream and uploads it with
//! `asarray`; for `poisson` and `multinomial`, whose parameters are arrays,
//! this fallback downloads the parameters first (the one place where a
//! backend without `random.*` costs a round trip; it is documented, not
//! hidden).

use glass_backend_api::random as reference;
use glass_backend_api::{DType, HostBuffer, Op, RValue};

use crate::backend::{Arg, Backend};
use crate::error::{Error, Result};
use crate::Array;

/// A seeded source of independent streams.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rng {
    seed: u64,
    stream: u32,
    offset: u64,
}

fn shape_i64(shape: &[usize]) -> RValue {
    RValue::Ints(shape.iter().map(|&n| n as i64).collect::<Vec<_>>().into())
}

fn fallback_error(op: &'static str, e: reference::RandomError) -> Error {
    Error::Random {
        func: op,
        reason: e.0,
    }
}

/// One step of a substream's path (see [`Rng::substream`]).
pub use glass_backend_api::random::StreamKey as Key;

impl Rng {
    /// A generator whose first draw uses stream 0.
    pub fn new(seed: u64) -> Rng {
        Rng {
            seed,
            stream: 0,
            offset: 0,
        }
    }

    /// This generator with every draw starting at element `offset` of its
    /// stream (0 by default): element `j` of a draw is element
    /// `offset + j` of the stream. Work cut into batches gives the batch
    /// that starts at item `first` the generator `rng.at(first)`, and
    /// draws the same numbers at any batch size (rejection sampling too:
    /// a redraw of item `j` is element `j` of a later stream).
    pub fn at(mut self, offset: u64) -> Rng {
        self.offset = offset;
        self
    }

    /// The element offset of every draw (see [`Rng::at`]).
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The generator for one purpose, a pure function of this generator's
    /// seed and `path` (e.g. `[Key::Realisation(r), Key::Shell(i),
    /// Key::Stage("alm")]`): its seed is
    /// [`derive_seed`](glass_backend_api::random::derive_seed)`(seed, path)`
    /// and its first draw uses stream 0. It does not depend on, nor advance,
    /// this generator's stream counter, and `a.substream(p).substream(q)`
    /// equals `a.substream(p ++ q)`.
    pub fn substream(&self, path: &[Key<'_>]) -> Rng {
        Rng::new(reference::derive_seed(self.seed, path))
    }

    /// A generator whose next draw uses `stream`.
    pub fn with_stream(seed: u64, stream: u32) -> Rng {
        Rng {
            seed,
            stream,
            offset: 0,
        }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The stream the next draw will use.
    pub fn stream(&self) -> u32 {
        self.stream
    }

    /// The stream of the next draw of `n` elements (and checks that the
    /// offset leaves room for them).
    fn next_stream_for(&mut self, n: usize) -> Result<u32> {
        if self
            .offset
            .checked_add(n as u64)
            .is_none_or(|end| end > i64::MAX as u64)
        {
            return Err(Error::Random {
                func: "Rng",
                reason: format!(
                    "a draw of {n} elements at offset {} passes 2^63 - 1",
                    self.offset
                ),
            });
        }
        self.next_stream()
    }

    fn next_stream(&mut self) -> Result<u32> {
        let s = self.stream;
        self.stream = s.checked_add(1).ok_or_else(|| Error::Random {
            func: "Rng",
            reason: "all 2^32 streams of this seed are used".into(),
        })?;
        Ok(s)
    }

    /// `(seed, stream, offset)`, the arguments every `random.*` op starts with.
    fn head(&self, stream: u32) -> Vec<Arg<'static>> {
        [
            RValue::Int(self.seed as i64),
            RValue::Int(stream as i64),
            RValue::Int(self.offset as i64),
        ]
        .into_iter()
        .map(Arg::Value)
        .collect()
    }

    /// The arguments of `random.uniform` / `random.normal`: the head, the
    /// shape, the two parameters and float64.
    fn continuous_args(&self, stream: u32, shape: &[usize], a: f64, b: f64) -> Vec<Arg<'static>> {
        let mut args = self.head(stream);
        args.extend(
            [
                shape_i64(shape),
                RValue::Float(a),
                RValue::Float(b),
                RValue::DType(DType::Float64),
            ]
            .into_iter()
            .map(Arg::Value),
        );
        args
    }

    /// `rng.uniform(low, high, size)`: float64 in `[low, high)`.
    ///
    /// # Errors
    ///
    /// [`Error::Random`] when the generator has used all `2^32` streams; backend errors of the
    /// draw.
    pub fn uniform(&mut self, xp: &Backend, shape: &[usize], low: f64, high: f64) -> Result<Array> {
        crate::xp::fits_memory("random.uniform", shape, DType::Float64)?;
        let stream = self.next_stream_for(shape.iter().product())?;
        if xp.supports(Op::RandomUniform) {
            let args = self.continuous_args(stream, shape, low, high);
            return xp.call_array(Op::RandomUniform, &args);
        }
        let mut out = vec![0.0; shape.iter().product()];
        reference::fill_uniform(self.seed, stream, self.offset, &mut out);
        for u in &mut out {
            *u = reference::scale_uniform(*u, low, high);
        }
        xp.asarray(&out, shape)
    }

    /// `rng.normal(loc, scale, size)`: float64.
    ///
    /// # Errors
    ///
    /// As [`Rng::uniform`].
    pub fn normal(&mut self, xp: &Backend, shape: &[usize], loc: f64, scale: f64) -> Result<Array> {
        crate::xp::fits_memory("random.normal", shape, DType::Float64)?;
        let stream = self.next_stream_for(shape.iter().product())?;
        if xp.supports(Op::RandomNormal) {
            let args = self.continuous_args(stream, shape, loc, scale);
            return xp.call_array(Op::RandomNormal, &args);
        }
        let mut out = vec![0.0; shape.iter().product()];
        reference::fill_normal(self.seed, stream, self.offset, &mut out);
        for z in &mut out {
            *z = loc + scale * *z;
        }
        xp.asarray(&out, shape)
    }

    /// `rng.standard_normal(size)`.
    ///
    /// # Errors
    ///
    /// As [`Rng::uniform`].
    pub fn standard_normal(&mut self, xp: &Backend, shape: &[usize]) -> Result<Array> {
        self.normal(xp, shape, 0.0, 1.0)
    }

    /// `rng.poisson(lam)`: int64 of lam's shape.
    ///
    /// # Errors
    ///
    /// As [`Rng::uniform`]; [`Error::Random`] (host fallback) or the backend's value error for
    /// a negative, NaN or too large `lam`.
    pub fn poisson(&mut self, lam: &Array) -> Result<Array> {
        let stream = self.next_stream_for(lam.size())?;
        let xp = lam.backend();
        if xp.supports(Op::RandomPoisson) {
            let mut args = self.head(stream);
            args.push(Arg::Array(lam));
            return xp.call_array(Op::RandomPoisson, &args);
        }
        let lam_host = lam.astype(DType::Float64)?.to_vec::<f64>()?;
        let mut out = vec![0i64; lam_host.len()];
        reference::fill_poisson(self.seed, stream, self.offset, &lam_host, &mut out)
            .map_err(|e| fallback_error("poisson", e))?;
        xp.asarray(&out, lam.shape())
    }

    /// `rng.multinomial(n, pvals)`: int64 of shape `n.shape + (len(pvals),)`.
    ///
    /// # Errors
    ///
    /// As [`Rng::uniform`]; [`Error::Random`] (host fallback) or the backend's value error for
    /// negative counts or `pvals` outside `[0, 1]`.
    pub fn multinomial(&mut self, n: &Array, pvals: &Array) -> Result<Array> {
        let stream = self.next_stream_for(n.size())?;
        let xp = n.backend();
        if xp.supports(Op::RandomMultinomial) {
            let mut args = self.head(stream);
            args.push(Arg::Array(n));
            args.push(Arg::Array(pvals));
            return xp.call_array(Op::RandomMultinomial, &args);
        }
        let n_host = n.to_vec::<i64>()?;
        let p_host = pvals.to_vec::<f64>()?;
        let mut out = vec![0i64; n_host.len() * p_host.len()];
        reference::fill_multinomial(self.seed, stream, self.offset, &n_host, &p_host, &mut out)
            .map_err(|e| fallback_error("multinomial", e))?;
        let mut shape = n.shape().to_vec();
        shape.push(p_host.len());
        xp.asarray_buffer(
            HostBuffer::Int64(out.into()),
            &shape.iter().map(|&s| s as i64).collect::<Vec<_>>(),
        )
    }
}
