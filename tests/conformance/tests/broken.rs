//! A deliberately broken backend: `add` returns wrong values. The suite must
//! report `add` as failed, by name, while the ops it gets right pass. It is
//! also partial (float64 only, `Unsupported` for other dtypes), which the
//! suite reports as skips.

use glass_backend_api::export::{self, Args, Backend, Operand, Value};
use glass_backend_api::{ArrayMeta, BResult, BackendError, BackendInfo, DType, HostBuffer};
use glass_conformance::host::{broadcast_index, broadcast_shapes};
use glass_conformance::{run, Options, Outcome};

/// A float64-only backend: data and shape.
struct Arr {
    data: Vec<f64>,
    shape: Vec<usize>,
}

const OPS: [&str; 5] = ["asarray", "to_host", "add", "negative", "sin"];

struct Broken;

impl Broken {
    fn unary(args: &Args<'_, Arr>, f: fn(f64) -> f64) -> BResult<Vec<Value<Arr>>> {
        let x = args.array(0)?;
        Ok(vec![Value::Array(Arr {
            data: x.data.iter().map(|&v| f(v)).collect(),
            shape: x.shape.clone(),
        })])
    }

    /// A float64 operand as (shape, data).
    fn operand(args: &Args<'_, Arr>, i: usize) -> BResult<(Vec<usize>, Vec<f64>)> {
        match args.operand(i)? {
            Operand::Array(a) => Ok((a.shape.clone(), a.data.clone())),
            Operand::Float(v) => Ok((vec![], vec![v])),
            Operand::Int(v) => Ok((vec![], vec![v as f64])),
            _ => Err(BackendError::unsupported("add: float64 only")),
        }
    }

    /// `x1 + x2 + 1` with broadcasting: wrong on purpose.
    fn add(args: &Args<'_, Arr>) -> BResult<Vec<Value<Arr>>> {
        let (sa, a) = Self::operand(args, 0)?;
        let (sb, b) = Self::operand(args, 1)?;
        let shape = broadcast_shapes(&sa, &sb)
            .ok_or_else(|| BackendError::shape("add: shapes do not broadcast"))?;
        let (ia, ib) = (broadcast_index(&sa, &shape), broadcast_index(&sb, &shape));
        let data = ia
            .iter()
            .zip(&ib)
            .map(|(&i, &j)| a[i] + b[j] + 1.0)
            .collect();
        Ok(vec![Value::Array(Arr { data, shape })])
    }
}

impl Backend for Broken {
    type Array = Arr;

    fn create(_: &str) -> BResult<Self> {
        Ok(Broken)
    }

    fn info(&self) -> BackendInfo {
        export::info(
            "broken",
            "0.0.0",
            "a deliberately broken backend",
            OPS,
            ["cpu"],
        )
    }

    fn call(&self, op: usize, args: &Args<'_, Arr>) -> BResult<Vec<Value<Arr>>> {
        match OPS[op] {
            "asarray" => {
                let shape: Vec<usize> = args.ints(1)?.iter().map(|&n| n as usize).collect();
                match args.buffer(0)? {
                    HostBuffer::Float64(v) if v.len() == shape.iter().product::<usize>() => {
                        Ok(vec![Value::Array(Arr {
                            data: v.to_vec(),
                            shape,
                        })])
                    }
                    HostBuffer::Float64(_) => Err(BackendError::shape("asarray: wrong length")),
                    b => Err(BackendError::unsupported(format!(
                        "asarray: {} is not implemented",
                        b.dtype()
                    ))),
                }
            }
            "to_host" => Ok(vec![Value::Buffer(HostBuffer::Float64(
                args.array(0)?.data.clone().into(),
            ))]),
            "add" => Self::add(args),
            "negative" => Self::unary(args, |x| -x),
            "sin" => Self::unary(args, f64::sin),
            _ => Err(BackendError::unsupported("no such op")),
        }
    }

    fn meta(&self, x: &Arr) -> ArrayMeta {
        ArrayMeta {
            dtype: DType::Float64,
            shape: x.shape.iter().map(|&n| n as u64).collect(),
            device: 0,
        }
    }
}

#[test]
fn broken_add_is_reported_and_correct_ops_pass() {
    let inst = export::instance::<Broken>("").expect("create");
    let report = run(&inst, &Options::default());
    println!("{}", report.table());
    assert_eq!(report.backend, "broken");
    assert!(!report.ok());
    match report.outcome("add", "values[float64]") {
        Some(Outcome::Fail(m)) => assert!(m.contains("expected"), "{m}"),
        other => panic!("add values[float64] should fail, got {other:?}"),
    }
    for (op, check) in [
        ("negative", "values[float64]"),
        ("negative", "special_values[float64]"),
        ("sin", "values[float64]"),
        ("sin", "special_values[float64]"),
        ("asarray", "roundtrip[float64]"),
        ("(contract)", "unknown_op_id"),
        ("(contract)", "info"),
    ] {
        assert_eq!(
            report.outcome(op, check),
            Some(&Outcome::Pass),
            "{op} {check}\n{}",
            report.table()
        );
    }
    // Ops it does not list are skipped, not failed.
    assert!(matches!(
        report.outcome("subtract", "listed"),
        Some(Outcome::Skip(_))
    ));
    // The table names `add`, with its failures and the first of them.
    let table = report.table();
    let line = table.lines().find(|l| l.starts_with("add ")).unwrap_or("");
    let fails: usize = line
        .split_whitespace()
        .nth(2)
        .and_then(|f| f.parse().ok())
        .unwrap_or(0);
    assert!(fails > 0 && line.contains("values[float64]"), "{table}");
    // A partial backend: the dtypes it answers Unsupported for are skipped.
    assert!(matches!(
        report.outcome("sin", "values[float32]"),
        Some(Outcome::Skip(_))
    ));
    assert!(matches!(
        report.outcome("add", "values[int64]"),
        Some(Outcome::Skip(_))
    ));
    // SAFETY: every array of the run has been released.
    unsafe { inst.destroy() };
}
