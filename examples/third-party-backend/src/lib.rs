//! An example third-party glass backend: float64 vectors in plain Rust.
//!
//! It implements a few standard ops (`asarray`, `to_host`, `zeros`, `add`,
//! `multiply`, `sqrt`, `sum` over all elements) and `sync` (a no-op: it
//! computes synchronously) and nothing else; the glass
//! host answers `Unsupported` for every other op, and uses its fallbacks
//! (built on these ops) where it has one. Other dtypes are `Unsupported`
//! too (not `DType` errors): that is how a partial backend tells the
//! conformance suite to skip a check rather than fail it.

use glass_backend_api::export::{self, Args, Backend, Operand, Value};
use glass_backend_api::{ArrayMeta, BResult, BackendError, BackendInfo, DType, HostBuffer};

const OPS: &[&str] = &[
    "asarray", "to_host", "zeros", "add", "multiply", "sqrt", "sum", "sync",
];

pub struct Example;

/// A C-ordered float64 array.
pub struct Vector {
    data: Vec<f64>,
    shape: Vec<u64>,
}

fn shape_of(args: &Args<'_, Vector>, i: usize) -> BResult<Vec<u64>> {
    args.ints(i)?
        .iter()
        .map(|&n| {
            u64::try_from(n)
                .map_err(|_| BackendError::value(format!("{}: negative dimension {n}", args.op())))
        })
        .collect()
}

fn elementwise(args: &Args<'_, Vector>, f: fn(f64, f64) -> f64) -> BResult<Vec<Value<Vector>>> {
    let side = |i| -> BResult<(&[f64], Option<&[u64]>, f64)> {
        match args.operand(i)? {
            Operand::Array(a) => Ok((&a.data, Some(&a.shape), 0.0)),
            Operand::Float(v) => Ok((&[], None, v)),
            _ => Err(BackendError::unsupported(format!(
                "{}: this backend only has float64",
                args.op()
            ))),
        }
    };
    let (a, sa, ka) = side(0)?;
    let (b, sb, kb) = side(1)?;
    let (data, shape) = match (sa, sb) {
        (Some(x), Some(y)) if x != y => {
            // a partial backend: broadcasting is not implemented (a skip in
            // the conformance suite), which is not the same as refusing it
            return Err(BackendError::unsupported(format!(
                "{}: no broadcasting here, shapes {x:?} and {y:?}",
                args.op()
            )))
        }
        (Some(s), Some(_)) => (a.iter().zip(b).map(|(&p, &q)| f(p, q)).collect(), s),
        (Some(s), None) => (a.iter().map(|&p| f(p, kb)).collect(), s),
        (None, Some(s)) => (b.iter().map(|&q| f(ka, q)).collect(), s),
        (None, None) => {
            return Err(BackendError::value(format!(
                "{}: no array operand",
                args.op()
            )))
        }
    };
    Ok(vec![Value::Array(Vector {
        data,
        shape: shape.to_vec(),
    })])
}

impl Backend for Example {
    type Array = Vector;

    fn create(_config: &str) -> BResult<Self> {
        Ok(Example)
    }

    fn info(&self) -> BackendInfo {
        export::info(
            "example",
            env!("CARGO_PKG_VERSION"),
            "third-party example: float64 vectors",
            OPS.iter().copied(),
            ["cpu"],
        )
    }

    fn call(&self, op: usize, args: &Args<'_, Vector>) -> BResult<Vec<Value<Vector>>> {
        let one = |v: Vector| Ok(vec![Value::Array(v)]);
        match OPS[op] {
            "asarray" => {
                let HostBuffer::Float64(v) = args.buffer(0)? else {
                    return Err(BackendError::unsupported(
                        "asarray: this backend only has float64",
                    ));
                };
                let shape = shape_of(args, 1)?;
                if shape.iter().product::<u64>() != v.len() as u64 {
                    return Err(BackendError::shape(
                        "asarray: data and shape differ in size",
                    ));
                }
                one(Vector {
                    data: v.to_vec(),
                    shape,
                })
            }
            "to_host" => Ok(vec![Value::Buffer(HostBuffer::Float64(
                args.array(0)?.data.clone().into(),
            ))]),
            "zeros" => {
                if args.dtype(1)? != DType::Float64 {
                    return Err(BackendError::unsupported("zeros: this backend only has float64"));
                }
                let shape = shape_of(args, 0)?;
                one(Vector {
                    data: vec![0.0; shape.iter().product::<u64>() as usize],
                    shape,
                })
            }
            "add" => elementwise(args, |a, b| a + b),
            "multiply" => elementwise(args, |a, b| a * b),
            "sqrt" => {
                let x = args.array(0)?;
                one(Vector {
                    data: x.data.iter().map(|v| v.sqrt()).collect(),
                    shape: x.shape.clone(),
                })
            }
            "sum" => {
                if !args.is_none(1) {
                    return Err(BackendError::unsupported("sum: only over all axes"));
                }
                one(Vector {
                    data: vec![args.array(0)?.data.iter().sum()],
                    shape: vec![],
                })
            }
            // Every op above is done when it returns: nothing to wait for.
            "sync" => Ok(vec![]),
            other => Err(BackendError::unsupported(other.to_string())),
        }
    }

    fn meta(&self, x: &Vector) -> ArrayMeta {
        ArrayMeta {
            dtype: DType::Float64,
            shape: x.shape.clone().into(),
            device: 0,
        }
    }
}

glass_backend_api::export_backend!(Example);
