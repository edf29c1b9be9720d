//! `glass::shells::distribute` on every backend: the same assignment from
//! the same seed on ndarray and strict, -1 outside all windows, and shell
//! frequencies proportional to the window values (chi-square, fixed seed).

mod common;

use common::load;
use glass::rng::Rng;
use glass::shells::WindowOptions;
use glass::shells::{distribute, linear_windows, RadialWindow};

fn windows() -> Vec<RadialWindow> {
    linear_windows(
        &[0.0, 0.5, 1.0, 1.5],
        WindowOptions {
            dz: 0.01,
            ..Default::default()
        },
    )
    .unwrap()
}

#[test]
fn distribute_is_the_same_on_every_backend() {
    let shells = windows();
    let z: Vec<f64> = (0..2000).map(|i| -0.1 + 1.7 * i as f64 / 1999.0).collect();
    let mut results = Vec::new();
    for name in ["ndarray", "strict"] {
        let xp = load(name);
        let zb = xp.asarray(&z, &[40, 50]).unwrap();
        let idx = distribute(&zb, &shells, &mut Rng::new(42)).unwrap();
        assert_eq!(idx.shape(), &[40, 50], "{name}");
        let v = idx.to_vec::<i64>().unwrap();
        for (zi, k) in z.iter().zip(&v) {
            // windows: triangles on [0, 1] and [0.5, 1.5]
            if *zi < 0.0 || *zi > 1.5 {
                assert_eq!(*k, -1, "{name}: z = {zi}");
            } else if *zi < 0.5 {
                assert_eq!(*k, 0, "{name}: z = {zi}");
            } else if *zi > 1.0 {
                assert_eq!(*k, 1, "{name}: z = {zi}");
            } else {
                assert!(*k == 0 || *k == 1, "{name}: z = {zi}");
            }
        }
        results.push(v);
    }
    assert_eq!(
        results[0], results[1],
        "same seed, same assignment on ndarray and strict"
    );
    let xp = load("ndarray");
    let empty = xp.asarray::<f64>(&[], &[0]).unwrap();
    assert_eq!(
        distribute(&empty, &shells, &mut Rng::new(1))
            .unwrap()
            .shape(),
        &[0]
    );
    let e = distribute(&empty, &[], &mut Rng::new(1))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no shells"), "{e}");
}

#[test]
fn distribute_follows_the_window_weights() {
    // at z = 0.8 the windows weigh 0.4 (first) and 0.6 (second)
    let shells = windows();
    let xp = load("ndarray");
    let n = 100_000;
    let z = xp.full(&[n], 0.8, glass::DType::Float64).unwrap();
    let v = distribute(&z, &shells, &mut Rng::new(7))
        .unwrap()
        .to_vec::<i64>()
        .unwrap();
    let c1 = v.iter().filter(|k| **k == 1).count() as f64;
    let c0 = v.iter().filter(|k| **k == 0).count() as f64;
    assert_eq!(c0 + c1, n as f64);
    let (e0, e1) = (0.4 * n as f64, 0.6 * n as f64);
    let chi2 = (c0 - e0).powi(2) / e0 + (c1 - e1).powi(2) / e1;
    // one degree of freedom: P(chi2 > 10.83) = 0.001
    assert!(chi2 < 10.83, "chi2 = {chi2} ({c0}, {c1})");
}
