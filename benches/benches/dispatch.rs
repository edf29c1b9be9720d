//! Per-op dispatch overhead across the plugin boundary.
//!
//! The same `add` of two small float64 arrays, three ways:
//! - `plugin/<backend>`: through the host API into a dynamically loaded
//!   plugin (argument marshalling, the C-ABI call, the result handle, `meta`,
//!   and the release of the result);
//! - `embedded`: the same, into the ndarray backend linked in-process behind
//!   the same C ABI;
//! - `direct`: the ndarray core's function called in-process, no ABI.
//!
//! Group `unstable/dispatch.add` (sub-millisecond work: gated on an
//! absolute change), sizes `n8` and `n100000`.
//!
//! With 8 elements the arithmetic is negligible, so the difference is the
//! dispatch overhead. With 1e5 elements it shows how quickly that overhead
//! stops mattering.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use glass::Backend;
use glass_backend_api::Op;
use glass_backend_ndarray_core::{call_direct, single, Arg, NdArray};

fn dispatch(c: &mut Criterion) {
    let mut group = c.benchmark_group("unstable/dispatch.add");
    glass_benches::Stability::Unstable.configure(&mut group);
    for n in [8usize, 100_000] {
        let size = format!("n{n}");
        let data: Vec<f64> = (0..n).map(|i| i as f64).collect();
        for b in glass_benches::backends() {
            let x = b.asarray1(&data).unwrap();
            let label = format!("plugin-{}", b.name());
            group.bench_with_input(BenchmarkId::new(label, &size), &x, |bench, x| {
                bench.iter(|| {
                    let y = x.add(x).unwrap();
                    b.sync().unwrap();
                    y
                })
            });
        }
        let emb = Backend::embedded_ndarray().unwrap();
        let x = emb.asarray1(&data).unwrap();
        group.bench_with_input(BenchmarkId::new("embedded", &size), &x, |bench, x| {
            bench.iter(|| {
                let y = x.add(x).unwrap();
                emb.sync().unwrap();
                y
            })
        });
        let nd = NdArray::Float64(
            ndarray::ArrayD::from_shape_vec(ndarray::IxDyn(&[n]), data.clone()).unwrap(),
        );
        group.bench_with_input(BenchmarkId::new("direct", &size), &nd, |bench, x| {
            bench.iter(|| single(call_direct(Op::Add, &[Arg::Array(x), Arg::Array(x)])).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, dispatch);
criterion_main!(benches);
