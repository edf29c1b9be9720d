//! A test plugin that behaves like an older, partly broken third-party
//! backend, for the host's tests:
//!
//! - It was "built against" op list version 0: it lists a handful of ops in
//!   its own order, plus `legacy.scale`, a name today's list does not have.
//!   The host must load it, resolve ids by name, answer `Unsupported` for
//!   everything else, and reach `legacy.scale` by name.
//! - `subtract` is deliberately wrong (it adds): the conformance suite must
//!   report it by name.
//! - `divide` panics: the panic must come back as an `Internal` error, and
//!   the host must survive it.
//!
//! Arrays are float64 only.

use glass_backend_api::export::{self, Args, Backend, Operand, Value};
use glass_backend_api::{ArrayMeta, BResult, BackendError, BackendInfo, DType, HostBuffer};

/// The op list this plugin was written against (op list version 0).
pub const OPS_V0: &[&str] = &[
    "to_host",
    "multiply",
    "asarray",
    "add",
    "subtract",
    "divide",
    "legacy.scale",
];

pub struct Quirky;

#[derive(Debug)]
pub struct Arr {
    data: Vec<f64>,
    shape: Vec<u64>,
}

fn binary(args: &Args<'_, Arr>, f: impl Fn(f64, f64) -> f64) -> BResult<Vec<Value<Arr>>> {
    let get = |i| -> BResult<(Vec<f64>, Option<Vec<u64>>)> {
        match args.operand(i)? {
            Operand::Array(a) => Ok((a.data.clone(), Some(a.shape.clone()))),
            Operand::Float(v) => Ok((vec![v], None)),
            Operand::Int(v) => Ok((vec![v as f64], None)),
            _ => Err(BackendError::unsupported(format!(
                "{}: only float64 is implemented",
                args.op()
            ))),
        }
    };
    let (a, sa) = get(0)?;
    let (b, sb) = get(1)?;
    let shape = match (&sa, &sb) {
        (Some(x), Some(y)) if x != y => {
            return Err(BackendError::shape(format!(
                "{}: shapes {x:?} and {y:?} differ",
                args.op()
            )))
        }
        (Some(x), _) | (_, Some(x)) => x.clone(),
        _ => vec![],
    };
    // Scalars (no shape) repeat; arrays are indexed.
    let n = if sa.is_some() { a.len() } else { b.len() };
    let pick = |v: &[f64], s: &Option<Vec<u64>>, i: usize| if s.is_some() { v[i] } else { v[0] };
    let data = (0..n)
        .map(|i| f(pick(&a, &sa, i), pick(&b, &sb, i)))
        .collect();
    Ok(vec![Value::Array(Arr { data, shape })])
}

impl Backend for Quirky {
    type Array = Arr;

    fn create(_config: &str) -> BResult<Self> {
        Ok(Quirky)
    }

    fn info(&self) -> BackendInfo {
        let mut info = export::info(
            "quirky",
            "0.0.1",
            "test plugin with an old op list",
            OPS_V0.iter().copied(),
            ["cpu"],
        );
        info.op_list_version = 0;
        info
    }

    fn call(&self, op: usize, args: &Args<'_, Arr>) -> BResult<Vec<Value<Arr>>> {
        match OPS_V0[op] {
            "asarray" => {
                let HostBuffer::Float64(v) = args.buffer(0)? else {
                    return Err(BackendError::unsupported(
                        "asarray: only float64 is implemented",
                    ));
                };
                let shape: Vec<u64> = args.ints(1)?.iter().map(|&n| n as u64).collect();
                if shape.iter().product::<u64>() as usize != v.len() {
                    return Err(BackendError::shape(
                        "asarray: data and shape differ in size",
                    ));
                }
                Ok(vec![Value::Array(Arr {
                    data: v.to_vec(),
                    shape,
                })])
            }
            "to_host" => Ok(vec![Value::Buffer(HostBuffer::Float64(
                args.array(0)?.data.clone().into(),
            ))]),
            "add" => binary(args, |a, b| a + b),
            // Deliberately wrong: the conformance suite must catch it.
            "subtract" => binary(args, |a, b| a + b),
            "multiply" => binary(args, |a, b| a * b),
            "divide" => panic!("quirky: divide always panics"),
            "legacy.scale" => binary(args, |a, b| a * b),
            other => Err(BackendError::unsupported(other.to_string())),
        }
    }

    fn meta(&self, x: &Arr) -> ArrayMeta {
        ArrayMeta {
            dtype: DType::Float64,
            shape: x.shape.clone().into(),
            device: 0,
        }
    }
}

glass_backend_api::export_backend!(Quirky);
