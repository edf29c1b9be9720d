//! Times single elementwise ops on 4.45e6 elements (a profiling aid).
use std::time::Instant;

fn main() -> glass::Result<()> {
    let xp = glass::Backend::from_env()?;
    let n = 4_450_000;
    let a = glass::Rng::new(1).uniform(&xp, &[n], 0.0, 1.0)?;
    let b = glass::Rng::new(2).uniform(&xp, &[n], 0.0, 1.0)?;
    let c = a.astype(glass::DType::Complex128)?;
    let d = b.astype(glass::DType::Complex128)?;
    let time = |what: &str, f: &dyn Fn() -> glass::Result<glass::Array>| -> glass::Result<()> {
        let t = Instant::now();
        for _ in 0..5 {
            f()?;
        }
        println!("{what}: {:.2} ms", t.elapsed().as_secs_f64() * 200.0);
        Ok(())
    };
    time("a * b", &|| (&a * &b).ok())?;
    time("a * 2.0", &|| (&a * 2.0).ok())?;
    time("a + 1.0", &|| (&a + 1.0).ok())?;
    time("c * d", &|| (&c * &d).ok())?;
    time("c / d", &|| (&c / &d).ok())?;
    time("astype c128", &|| a.astype(glass::DType::Complex128))?;
    time("hypot", &|| a.hypot(&b))?;
    time("tanh", &|| a.tanh())?;
    time("sin", &|| a.sin())?;
    time("atan2", &|| a.atan2(&b))?;
    let idx = (&a * 1000.0).ok()?.floor()?.astype(glass::DType::Int64)?;
    let table = xp.asarray1(&vec![1.0; 1001])?;
    time("take", &|| table.take(&idx, None))?;
    time("searchsorted", &|| {
        xp.linspace(0.0, 1.0, 101, true, glass::DType::Float64)?
            .searchsorted(&a, true)
    })?;
    Ok(())
}
