//! The host `Rng`: every draw is the reference stream of
//! `glass_backend_api::random`, whether the backend draws it (`random.*` on
//! ndarray) or the host draws and uploads it (strict), one stream per draw.

mod common;

use common::load;
use glass::rng::Rng;
use glass::{Backend, DType};
use glass_backend_api::random as reference;

fn draws(b: &Backend, seed: u64) -> (Vec<f64>, Vec<f64>, Vec<i64>, Vec<i64>) {
    let mut rng = Rng::new(seed);
    let u = rng.uniform(b, &[3, 50], -2.0, 5.0).unwrap();
    assert_eq!(u.shape(), &[3, 50]);
    let z = rng.normal(b, &[200], 1.0, 3.0).unwrap();
    let lam = b.asarray1(&[0.0, 0.5, 3.0, 40.0, 1e4, 1e9]).unwrap();
    let k = rng.poisson(&lam).unwrap();
    assert_eq!(k.dtype(), DType::Int64);
    let n = b.asarray1(&[0i64, 1, 10, 1000]).unwrap();
    let p = b.asarray1(&[0.2, 0.5, 0.3]).unwrap();
    let mult = rng.multinomial(&n, &p).unwrap();
    assert_eq!(mult.shape(), &[4, 3]);
    assert_eq!(rng.stream(), 4, "one stream per draw");
    (
        u.to_vec().unwrap(),
        z.to_vec().unwrap(),
        k.to_vec().unwrap(),
        mult.to_vec().unwrap(),
    )
}

#[test]
fn the_same_seed_gives_the_same_draws_on_every_backend() {
    let nd = draws(&load("ndarray"), 2024);
    let st = draws(&load("strict"), 2024);
    assert_eq!(
        nd, st,
        "ndarray (random.* ops) and strict (host fallback) agree bit for bit"
    );

    // and both are the reference streams 0, 1, 2, 3 of the seed
    let mut u = vec![0.0; 150];
    reference::fill_uniform(2024, 0, 0, &mut u);
    let u: Vec<f64> = u
        .iter()
        .map(|&x| reference::scale_uniform(x, -2.0, 5.0))
        .collect();
    assert_eq!(nd.0, u);
    let mut z = vec![0.0; 200];
    reference::fill_normal(2024, 1, 0, &mut z);
    let z: Vec<f64> = z.iter().map(|&x| 1.0 + 3.0 * x).collect();
    assert_eq!(nd.1, z);
    let mut k = vec![0i64; 6];
    reference::fill_poisson(2024, 2, 0, &[0.0, 0.5, 3.0, 40.0, 1e4, 1e9], &mut k).unwrap();
    assert_eq!(nd.2, k);
    let rows: Vec<i64> = nd.3.chunks(3).map(|r| r.iter().sum()).collect();
    assert_eq!(rows, vec![0, 1, 10, 1000], "multinomial rows sum to n");

    // another seed, other numbers
    assert_ne!(draws(&load("ndarray"), 2025).1, nd.1);
}

#[test]
fn streams_can_be_chosen_and_run_out() {
    let b = load("ndarray");
    let mut a = Rng::new(5);
    let _ = a.uniform(&b, &[4], 0.0, 1.0).unwrap();
    let second = a
        .uniform(&b, &[4], 0.0, 1.0)
        .unwrap()
        .to_vec::<f64>()
        .unwrap();
    let mut c = Rng::with_stream(5, 1);
    let direct = c
        .uniform(&b, &[4], 0.0, 1.0)
        .unwrap()
        .to_vec::<f64>()
        .unwrap();
    assert_eq!(second, direct);
    let mut last = Rng::with_stream(5, u32::MAX);
    let e = last.uniform(&b, &[1], 0.0, 1.0).unwrap_err().to_string();
    assert!(e.contains("streams"), "{e}");
    // a bad parameter is an error from either path, not a panic
    for name in ["ndarray", "strict"] {
        let b = load(name);
        let lam = b.asarray1(&[-1.0]).unwrap();
        assert!(Rng::new(1).poisson(&lam).is_err(), "{name}");
    }
}

// --- keyed streams: the three properties a simulation relies on ----------

use glass::rng::Key;

/// Uniforms of `n` galaxies for shell `shell` of realisation `r`.
fn positions(b: &Backend, rng: &Rng, r: u64, shell: u64, n: usize) -> Vec<f64> {
    let mut s = rng.substream(&[
        Key::Realisation(r),
        Key::Shell(shell),
        Key::Stage("positions"),
    ]);
    s.uniform(b, &[n], 0.0, 1.0).unwrap().to_vec().unwrap()
}

#[test]
fn shell_7_does_not_change_when_shell_3_draws_more() {
    let b = load("ndarray");
    let rng = Rng::new(99);
    let with = |n3: usize| {
        let three = positions(&b, &rng, 0, 3, n3);
        assert_eq!(three.len(), n3);
        positions(&b, &rng, 0, 7, 1000)
    };
    let few = with(10);
    let many = with(100_000);
    assert_eq!(few, many);
    // and shell 3's first draws are the same, the extra ones come after
    assert_eq!(
        positions(&b, &rng, 0, 3, 10),
        positions(&b, &rng, 0, 3, 100)[..10]
    );
}

#[test]
fn a_realisation_is_the_same_alone_or_among_others_on_any_backend() {
    let nd = load("ndarray");
    let st = load("strict");
    // "rank 5 of 8": realisations 5, 13, 21, ... after other work
    let mut among = Vec::new();
    let mut rng = Rng::new(7);
    for r in (5..64).step_by(8) {
        // unrelated draws from the parent do not matter
        rng.uniform(&nd, &[3], 0.0, 1.0).unwrap();
        among.push((r, positions(&nd, &rng, r, 2, 500)));
    }
    for (r, got) in among {
        let alone = positions(&st, &Rng::new(7), r, 2, 500);
        assert_eq!(got, alone, "realisation {r}");
    }
}

#[test]
fn a_stage_added_later_reshuffles_nothing() {
    let b = load("ndarray");
    let rng = Rng::new(3);
    let draw = |with_photoz: bool| {
        let mut out = Vec::new();
        for shell in 0..4 {
            let mut alm = rng.substream(&[Key::Shell(shell), Key::Stage("alm")]);
            out.push(
                alm.standard_normal(&b, &[64])
                    .unwrap()
                    .to_vec::<f64>()
                    .unwrap(),
            );
            if with_photoz {
                let mut pz = rng.substream(&[Key::Shell(shell), Key::Stage("photo-z")]);
                pz.normal(&b, &[64], 0.0, 0.05).unwrap();
            }
            let mut shapes = rng.substream(&[Key::Shell(shell), Key::Stage("shapes")]);
            out.push(
                shapes
                    .normal(&b, &[64], 0.0, 0.3)
                    .unwrap()
                    .to_vec::<f64>()
                    .unwrap(),
            );
        }
        out
    };
    assert_eq!(draw(false), draw(true));
}

#[test]
fn substreams_are_distinct_and_compose() {
    let b = load("ndarray");
    let rng = Rng::new(11);
    let a = positions(&b, &rng, 0, 1, 64);
    assert_ne!(a, positions(&b, &rng, 1, 1, 64), "another realisation");
    assert_ne!(a, positions(&b, &rng, 0, 2, 64), "another shell");
    assert_ne!(a, positions(&b, &Rng::new(12), 0, 1, 64), "another seed");
    // nested substreams equal the whole path
    let mut nested = rng
        .substream(&[Key::Realisation(0)])
        .substream(&[Key::Shell(1), Key::Stage("positions")]);
    assert_eq!(
        a,
        nested
            .uniform(&b, &[64], 0.0, 1.0)
            .unwrap()
            .to_vec::<f64>()
            .unwrap()
    );
    // the parent's stream counter does not enter
    let mut advanced = Rng::with_stream(11, 1000);
    advanced.uniform(&b, &[1], 0.0, 1.0).unwrap();
    assert_eq!(a, positions(&b, &advanced, 0, 1, 64));
}
