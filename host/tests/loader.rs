//! Loading plugins: by name, by path, failures named, several side by side.

mod common;

use common::load;
use glass::{Backend, DType, Error, Op};

#[test]
fn ndarray_and_strict_load_side_by_side() {
    let nd = load("ndarray");
    let st = load("strict");
    assert_eq!(nd.name(), "ndarray");
    assert_eq!(st.name(), "strict");
    assert_eq!(nd.info().api_version, glass_backend_api::API_VERSION);
    assert!(nd.supports(Op::RandomNormal));
    assert!(
        !st.supports(Op::RandomNormal),
        "strict implements standard ops only"
    );
    assert!(st.supports(Op::Add));
    // Both work at once, in one process.
    let a = nd.asarray1(&[1.0, 2.0]).unwrap();
    let b = st.asarray1(&[3.0, 4.0]).unwrap();
    assert_eq!(
        (&a + &a).ok().unwrap().to_vec::<f64>().unwrap(),
        vec![2.0, 4.0]
    );
    assert_eq!(
        (&b + &b).ok().unwrap().to_vec::<f64>().unwrap(),
        vec![6.0, 8.0]
    );
    // Arrays of two backends are never mixed.
    let err = (&a + &b).ok().unwrap_err();
    assert!(matches!(err, Error::MixedBackends { .. }), "{err}");
    // Moving one explicitly works.
    let b_on_nd = b.to_backend(&nd).unwrap();
    assert_eq!(
        (&a + &b_on_nd).ok().unwrap().to_vec::<f64>().unwrap(),
        vec![4.0, 6.0]
    );
}

#[test]
fn loading_the_same_library_twice_gives_two_instances() {
    let a = load("ndarray");
    let b = load("ndarray");
    assert_ne!(a, b);
    let x = a.asarray1(&[1.0]).unwrap();
    let y = b.asarray1(&[1.0]).unwrap();
    assert!(matches!((&x + &y).ok(), Err(Error::MixedBackends { .. })));
}

#[test]
fn by_name_through_the_plugin_path() {
    std::env::set_var(glass::backend::PLUGIN_PATH_ENV, common::deps_dir());
    let b = Backend::by_spec("strict").unwrap();
    assert_eq!(b.name(), "strict");
    assert!(matches!(b.source(), glass::Source::Library(_)));
}

#[test]
fn unknown_name_lists_what_was_found() {
    let err = Backend::by_spec("nope").unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::UnknownBackend { .. }), "{msg}");
    assert!(msg.contains("unknown backend `nope`"), "{msg}");
    assert!(
        msg.contains("strict"),
        "the message lists the backends found: {msg}"
    );
}

#[test]
fn missing_path_is_named() {
    let err = Backend::by_spec("/tmp/glass-missing-backend.so").unwrap_err();
    assert!(matches!(err, Error::PluginNotFound(_)), "{err}");
    assert!(err.to_string().contains("/tmp/glass-missing-backend.so"));
}

#[test]
fn a_file_that_is_not_a_library_is_refused() {
    let dir = std::env::temp_dir().join(format!("glass-notlib-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("libglass_backend_garbage.so");
    std::fs::write(&path, b"this is not an ELF file").unwrap();
    let err = Backend::load(&path).unwrap_err();
    assert!(matches!(err, Error::NotALibrary { .. }), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_library_that_is_not_a_glass_plugin_is_refused() {
    // Any shared library without the root module: a proc-macro of our own
    // build (always present in the deps directory) will do.
    let lib = std::fs::read_dir(common::deps_dir())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            let f = p.file_name().unwrap().to_string_lossy().to_string();
            f.starts_with("libabi_stable_derive") && f.ends_with(std::env::consts::DLL_SUFFIX)
        })
        .expect("a proc-macro library in the deps directory");
    let err = Backend::load(&lib).unwrap_err();
    assert!(matches!(err, Error::NotAPlugin { .. }), "{err}");
    assert!(err.to_string().contains("is not a glass backend plugin"));
}

#[test]
fn an_op_the_backend_lacks_is_unsupported_by_name() {
    let st = load("strict");
    let err = st.call(Op::RandomNormal, &[]).map(|_| ()).unwrap_err();
    assert_eq!(err.kind(), glass::ErrorKind::Unsupported);
    let msg = err.to_string();
    assert!(
        msg.contains("strict") && msg.contains("random.normal"),
        "{msg}"
    );
}

#[test]
fn dtype_errors_come_back_as_values() {
    let st = load("strict");
    let i = st.asarray1(&[1i64, 2]).unwrap();
    let f = st.asarray1(&[1.0, 2.0]).unwrap();
    let err = (&i + &f).ok().unwrap_err();
    assert_eq!(err.kind(), glass::ErrorKind::DType, "{err}");
    let nd = load("ndarray");
    let i = nd.asarray1(&[1i64, 2]).unwrap();
    let f = nd.asarray1(&[0.5, 0.5]).unwrap();
    let s = (&i + &f).ok().unwrap();
    assert_eq!(s.dtype(), DType::Float64);
    assert_eq!(s.to_vec::<f64>().unwrap(), vec![1.5, 2.5]);
}
