//! Times the pieces of `positions_from_delta` at one nside (a profiling
//! aid): `poisson_timing NSIDE`.
use std::time::Instant;

fn main() -> glass::Result<()> {
    let nside: i64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(512);
    let xp = glass::Backend::from_env()?;
    let npix = 12 * (nside * nside) as usize;
    let lam = xp.full(&[npix], 1.4, glass::DType::Float64)?;
    let t = Instant::now();
    let c = glass::Rng::new(1).poisson(&lam)?;
    println!("poisson {npix}: {:.3} s", t.elapsed().as_secs_f64());
    let lv = vec![1.4; npix];
    let mut out = vec![0i64; npix];
    let t = Instant::now();
    glass_backend_api::random::fill_poisson(1, 0, 0, &lv, &mut out).expect("valid");
    println!("reference fill_poisson: {:.3} s", t.elapsed().as_secs_f64());
    let mut uu = vec![0.0; npix];
    let t = Instant::now();
    glass_backend_api::random::fill_uniform(1, 0, 0, &mut uu);
    println!("reference fill_uniform: {:.3} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let h = c.to_vec::<i64>()?;
    println!("to_vec: {:.3} s ({})", t.elapsed().as_secs_f64(), h.len());
    let t = Instant::now();
    let u = glass::Rng::new(2).uniform(&xp, &[4_450_000], 0.0, 1.0)?;
    println!(
        "uniform 4.45e6: {:.3} s ({})",
        t.elapsed().as_secs_f64(),
        u.size()
    );
    let delta = xp.zeros(&[npix], glass::DType::Float64)?;
    let ngal = ndarray::ArrayD::from_elem(ndarray::IxDyn(&[]), 4.45e6 / glass::ARCMIN2_SPHERE);
    let t = Instant::now();
    let mut n = 0;
    let mut last = Instant::now();
    for b in glass::positions_from_delta(
        &ngal,
        &delta,
        None,
        None,
        Default::default(),
        &glass::Rng::new(3),
    )? {
        let b = b?;
        n += b.count;
        println!(
            "  batch {} after {:.3} s",
            b.count,
            last.elapsed().as_secs_f64()
        );
        last = Instant::now();
    }
    println!("positions {n}: {:.3} s", t.elapsed().as_secs_f64());
    Ok(())
}
