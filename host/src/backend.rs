//! Loading backends and calling their ops.
//!
//! A [`Backend`] is a live backend instance behind the C ABI of
//! `glass_backend_api::ffi`, either loaded from a plugin library or embedded
//! (the ndarray backend is linked into the host and used when nothing else is
//! asked for). Op names are resolved to the backend's ids once, at load.
//!
//! Discovery (see [`Backend::from_env`]): `GLASS_BACKEND` is a name
//! (`ndarray`, `strict`, `arrayfire`, or any `libglass_backend_<name>.so`)
//! or a path to a library; names are looked up in `GLASS_PLUGIN_PATH`
//! (`:`-separated), then in the executable's directory and its `deps/`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use abi_stable::library::{lib_header_from_path, LibraryError};
use abi_stable::nonexhaustive_enum::NonExhaustive;
use abi_stable::std_types::{RResult, RStr};
use glass_backend_api::{
    ArrayMeta, BackendError, BackendInstance, BackendModRef, Op, RValue, RawArray, OPS,
};

use crate::error::{Error, Result};

/// Where a backend came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Linked into this program.
    Embedded,
    /// Loaded from a plugin library.
    Library(PathBuf),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Embedded => f.write_str("(embedded)"),
            Source::Library(p) => write!(f, "{}", p.display()),
        }
    }
}

/// What a backend says about itself, in host types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Info {
    pub name: String,
    pub version: String,
    pub description: String,
    pub api_version: String,
    pub op_list_version: u32,
    pub ops: Vec<String>,
    pub devices: Vec<String>,
}

impl Info {
    /// The extension namespaces among the ops (`random`, `healpix`, ...).
    pub fn extensions(&self) -> Vec<String> {
        let mut ns: Vec<String> = self
            .ops
            .iter()
            .filter_map(|o| o.split_once('.').map(|(n, _)| n.to_string()))
            .filter(|n| n != "linalg" && n != "fft")
            .collect();
        ns.sort();
        ns.dedup();
        ns
    }
}

struct Inner {
    instance: BackendInstance,
    info: Info,
    /// The backend's id for each host op, by `Op as usize`.
    ids: Vec<Option<u32>>,
    /// The backend's id for every op it lists, by name.
    by_name: HashMap<String, u32>,
    source: Source,
    /// Distinguishes instances, so arrays of two instances are never mixed.
    serial: u64,
    /// The standard-op SHT fallback's plan tables, kept on this instance.
    sht_fallback: crate::healpix::fallback::Planner,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // the fallback's tables are this instance's arrays: released first
        self.sht_fallback.clear();
        // SAFETY: every array holds an `Arc<Inner>`, so none is alive here.
        unsafe { self.instance.destroy() }
    }
}

/// A live backend. Cheap to clone; arrays keep their backend alive.
#[derive(Clone)]
pub struct Backend {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Backend({} {}, {})",
            self.inner.info.name, self.inner.info.version, self.inner.source
        )
    }
}

impl PartialEq for Backend {
    fn eq(&self, other: &Self) -> bool {
        self.inner.serial == other.inner.serial
    }
}

static SERIAL: AtomicU64 = AtomicU64::new(0);

/// The environment variable that picks a backend.
pub const BACKEND_ENV: &str = "GLASS_BACKEND";
/// The environment variable that lists plugin directories.
pub const PLUGIN_PATH_ENV: &str = "GLASS_PLUGIN_PATH";

/// The library file name of a backend called `name`
/// (`libglass_backend_<name>.so` on Linux).
pub fn library_file_name(name: &str) -> String {
    format!(
        "{}glass_backend_{}{}",
        std::env::consts::DLL_PREFIX,
        name,
        std::env::consts::DLL_SUFFIX
    )
}

/// The backend name in a library file name, if it follows the pattern.
pub fn name_from_file_name(file: &str) -> Option<&str> {
    let stem = file
        .strip_prefix(std::env::consts::DLL_PREFIX)?
        .strip_suffix(std::env::consts::DLL_SUFFIX)?;
    let name = stem.strip_prefix("glass_backend_")?;
    (!name.is_empty() && !name.contains('-')).then_some(name)
}

/// The directories searched for plugins, in order: `GLASS_PLUGIN_PATH`, then
/// the executable's directory and its `deps/`. (For `glass backends`; not
/// part of GLASS's API.)
#[doc(hidden)]
pub fn search_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(p) = std::env::var_os(PLUGIN_PATH_ENV) {
        dirs.extend(std::env::split_paths(&p).filter(|d| !d.as_os_str().is_empty()));
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(dir) = exe.parent() {
            dirs.push(dir.to_path_buf());
            dirs.push(dir.join("deps"));
        }
    }
    dirs
}

/// Whether a `GLASS_BACKEND` value is a path rather than a name.
fn looks_like_path(s: &str) -> bool {
    s.contains(std::path::MAIN_SEPARATOR)
        || s.contains('/')
        || s.ends_with(std::env::consts::DLL_SUFFIX)
}

impl Backend {
    /// The backend chosen by `GLASS_BACKEND`; the embedded ndarray backend
    /// when it is unset or empty.
    ///
    /// # Errors
    ///
    /// As [`Backend::by_spec`] for the value of `GLASS_BACKEND`.
    pub fn from_env() -> Result<Backend> {
        match std::env::var(BACKEND_ENV) {
            Ok(s) if !s.trim().is_empty() => Backend::by_spec(s.trim()),
            _ => Backend::embedded_ndarray(),
        }
    }

    /// A backend by name or by path (the syntax of `GLASS_BACKEND`).
    ///
    /// # Errors
    ///
    /// As [`Backend::load`] for a path, as [`Backend::by_name`] for a name.
    pub fn by_spec(spec: &str) -> Result<Backend> {
        if looks_like_path(spec) {
            Backend::load(Path::new(spec))
        } else {
            Backend::by_name(spec)
        }
    }

    /// Finds and loads the plugin called `name`. `ndarray` falls back to the
    /// embedded backend when no plugin library is found.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownBackend`] (with the backends found and the directories searched) when no
    /// library of that name exists; as [`Backend::load`] when it exists but does not load.
    pub fn by_name(name: &str) -> Result<Backend> {
        let dirs = search_dirs();
        let file = library_file_name(name);
        for dir in &dirs {
            let path = dir.join(&file);
            if path.is_file() {
                return Backend::load(&path);
            }
        }
        if name == "ndarray" {
            return Backend::embedded_ndarray();
        }
        let mut found: Vec<String> = discover()
            .into_iter()
            .filter_map(|d| d.result.ok().map(|b| b.info().name.clone()))
            .collect();
        found.sort();
        found.dedup();
        Err(Error::UnknownBackend {
            name: name.to_string(),
            found,
            searched: dirs,
        })
    }

    /// The ndarray backend linked into this program, behind the same C ABI
    /// as its plugin.
    ///
    /// # Errors
    ///
    /// [`Error::CreateFailed`] if the embedded backend fails to start (it does not).
    pub fn embedded_ndarray() -> Result<Backend> {
        let instance =
            glass_backend_api::export::instance::<glass_backend_ndarray_core::NdarrayBackend>("")
                .map_err(|error| Error::CreateFailed {
                path: "(embedded ndarray)".into(),
                error,
            })?;
        Backend::from_instance(instance, Source::Embedded)
    }

    /// Loads a plugin library. The ABI version and type layout are checked
    /// before any of the plugin's code runs; libraries are never unloaded.
    ///
    /// # Errors
    ///
    /// As [`Backend::load_with_config`].
    pub fn load(path: &Path) -> Result<Backend> {
        Backend::load_with_config(path, "")
    }

    /// Like [`Backend::load`], passing backend options to its `create`.
    ///
    /// # Errors
    ///
    /// [`Error::PluginNotFound`], [`Error::NotALibrary`], [`Error::NotAPlugin`],
    /// [`Error::AbiMismatch`] (naming both versions), [`Error::LayoutMismatch`] or
    /// [`Error::CreateFailed`]: the library is named with the reason, nothing of it has run.
    pub fn load_with_config(path: &Path, config: &str) -> Result<Backend> {
        if !path.is_file() {
            return Err(Error::PluginNotFound(path.to_path_buf()));
        }
        // a file cut short would kill the process inside dlopen (SIGBUS)
        #[cfg(target_os = "linux")]
        crate::elf::check_shared_object(path).map_err(|reason| Error::NotALibrary {
            path: path.to_path_buf(),
            reason,
        })?;
        let header = lib_header_from_path(path).map_err(|e| library_error(path, e))?;
        let module = header
            .init_root_module::<BackendModRef>()
            .map_err(|e| library_error(path, e))?;
        let create = module.create();
        let instance = match create(RStr::from(config)) {
            RResult::ROk(i) => i,
            RResult::RErr(error) => {
                return Err(Error::CreateFailed {
                    path: path.display().to_string(),
                    error,
                })
            }
        };
        Backend::from_instance(instance, Source::Library(path.to_path_buf()))
    }

    /// Wraps an instance made by a backend's exporter (for embedders and tests).
    ///
    /// # Errors
    ///
    /// [`Error::CreateFailed`] when the instance cannot describe itself.
    pub fn from_instance(instance: BackendInstance, source: Source) -> Result<Backend> {
        // SAFETY: the instance comes from a backend's exporter.
        let raw = unsafe { instance.info() };
        let raw = match raw {
            RResult::ROk(i) => i,
            RResult::RErr(error) => {
                // SAFETY: no array of this instance exists yet.
                unsafe { instance.destroy() };
                return Err(Error::CreateFailed {
                    path: source.to_string(),
                    error,
                });
            }
        };
        let info = Info {
            name: raw.name.to_string(),
            version: raw.version.to_string(),
            description: raw.description.to_string(),
            api_version: raw.api_version.to_string(),
            op_list_version: raw.op_list_version,
            ops: raw.ops.iter().map(|s| s.to_string()).collect(),
            devices: raw.devices.iter().map(|s| s.to_string()).collect(),
        };
        let by_name: HashMap<String, u32> = info
            .ops
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i as u32))
            .collect();
        let ids = OPS
            .iter()
            .map(|spec| by_name.get(spec.name).copied())
            .collect();
        Ok(Backend {
            inner: Arc::new(Inner {
                instance,
                info,
                ids,
                by_name,
                source,
                serial: SERIAL.fetch_add(1, Ordering::Relaxed),
                sht_fallback: Default::default(),
            }),
        })
    }

    pub fn info(&self) -> &Info {
        &self.inner.info
    }

    pub fn name(&self) -> &str {
        &self.inner.info.name
    }

    pub fn source(&self) -> &Source {
        &self.inner.source
    }

    /// The C-ABI instance (for the conformance suite); dispatch plumbing,
    /// not part of GLASS's API.
    #[doc(hidden)]
    pub fn instance(&self) -> &BackendInstance {
        &self.inner.instance
    }

    /// Whether the backend implements `op`.
    pub fn supports(&self, op: Op) -> bool {
        self.inner.ids[op as usize].is_some()
    }

    /// Whether the backend lists an op of this name (including its own
    /// extensions).
    pub fn supports_named(&self, name: &str) -> bool {
        self.inner.by_name.contains_key(name)
    }

    /// Calls a known op.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] when the backend lacks `op`; [`Error::MixedBackends`] for arrays
    /// of another backend; [`Error::Op`] with the backend's error (dtype, shape, value, ...).
    pub fn call(&self, op: Op, args: &[Arg<'_>]) -> Result<Vec<Out>> {
        match self.inner.ids[op as usize] {
            Some(id) => self.call_id(id, op.name(), args),
            None => Err(self.unsupported(op.name())),
        }
    }

    /// Waits until the work the backend has queued is done (op `sync`), so
    /// that a timing covers the work and not just its submission. A backend
    /// that does not list `sync` is synchronous: nothing to wait for.
    ///
    /// # Errors
    /// The backend's error, if its `sync` fails.
    pub fn sync(&self) -> Result<()> {
        if self.supports(Op::Sync) {
            self.call(Op::Sync, &[])?;
        }
        Ok(())
    }

    /// Calls any op the backend lists, by name (for extensions the host does
    /// not know).
    ///
    /// # Errors
    ///
    /// As [`Backend::call`].
    pub fn call_named(&self, name: &str, args: &[Arg<'_>]) -> Result<Vec<Out>> {
        match self.inner.by_name.get(name) {
            Some(&id) => self.call_id(id, name, args),
            None => Err(self.unsupported(name)),
        }
    }

    pub(crate) fn unsupported(&self, op: &str) -> Error {
        Error::Unsupported {
            backend: self.name().to_string(),
            op: op.to_string(),
        }
    }

    fn call_id(&self, id: u32, name: &str, args: &[Arg<'_>]) -> Result<Vec<Out>> {
        let mut raw = Vec::with_capacity(args.len());
        for a in args {
            raw.push(match a {
                Arg::Array(x) => {
                    if x.backend() != self {
                        return Err(Error::MixedBackends {
                            op: name.to_string(),
                            first: self.describe(),
                            second: x.backend().describe(),
                        });
                    }
                    RValue::Array(x.raw())
                }
                Arg::Value(v) => v.clone(),
            });
        }
        let raw: Vec<_> = raw.into_iter().map(NonExhaustive::new).collect();
        let inst = &self.inner.instance;
        // SAFETY: the arrays were checked to belong to this instance and are
        // borrowed for the duration of the call.
        let out = unsafe { inst.call(id, &raw) };
        match out {
            RResult::ROk(values) => {
                let mut out = Vec::with_capacity(values.len());
                let mut failed = None;
                for v in values {
                    // A value kind this host does not know (a newer
                    // backend's) is an error; dropping it runs the
                    // backend's own destructor.
                    let v = match glass_backend_api::value::from_wire(v) {
                        Ok(v) => v,
                        Err(e) => {
                            if failed.is_none() {
                                failed = Some(self.op_error(name, e));
                            }
                            continue;
                        }
                    };
                    match v {
                        // after a failure, give the remaining handles back
                        RValue::Array(h) if failed.is_some() => self.release(h),
                        // SAFETY: result arrays are owned by us, from this instance.
                        RValue::Array(h) => {
                            match unsafe { crate::Array::from_raw(self.clone(), h) } {
                                Ok(a) => out.push(Out::Array(a)),
                                Err(e) => failed = Some(e),
                            }
                        }
                        other => out.push(Out::Value(other)),
                    }
                }
                match failed {
                    Some(e) => Err(e),
                    None => Ok(out),
                }
            }
            RResult::RErr(error) => Err(self.op_error(name, error)),
        }
    }

    pub(crate) fn op_error(&self, op: &str, error: BackendError) -> Error {
        if error.kind == glass_backend_api::ErrorKind::Unsupported && !self.supports_named(op) {
            return self.unsupported(op);
        }
        Error::Op {
            backend: self.name().to_string(),
            op: op.to_string(),
            error,
        }
    }

    fn describe(&self) -> String {
        format!("{} #{}", self.name(), self.inner.serial)
    }

    /// Dtype, shape and device of an array of this backend.
    pub(crate) fn meta(&self, h: RawArray) -> Result<ArrayMeta> {
        let inst = &self.inner.instance;
        // SAFETY: `h` is a live handle of this instance.
        match unsafe { inst.meta(h) } {
            // A dtype this host does not know (a newer backend's) is a
            // `DType` error, never a value the host computes with.
            RResult::ROk(m) => match m.dtype.known() {
                Ok(_) => Ok(m),
                Err(e) => Err(self.op_error("meta", e)),
            },
            RResult::RErr(e) => Err(self.op_error("meta", e)),
        }
    }

    /// The plan tables of the standard-op SHT fallback on this instance.
    pub(crate) fn sht_fallback_planner(&self) -> &crate::healpix::fallback::Planner {
        &self.inner.sht_fallback
    }

    pub(crate) fn retain(&self, h: RawArray) {
        let inst = &self.inner.instance;
        // SAFETY: `h` is a live handle of this instance.
        unsafe { inst.retain(h) }
    }

    pub(crate) fn release(&self, h: RawArray) {
        let inst = &self.inner.instance;
        // SAFETY: `h` is a live handle of this instance, released once.
        unsafe { inst.release(h) }
    }
}

/// An op argument.
#[derive(Clone, Debug)]
pub enum Arg<'a> {
    Array(&'a crate::Array),
    Value(RValue),
}

impl<'a> From<&'a crate::Array> for Arg<'a> {
    fn from(a: &'a crate::Array) -> Self {
        Arg::Array(a)
    }
}

impl From<RValue> for Arg<'_> {
    fn from(v: RValue) -> Self {
        Arg::Value(v)
    }
}

/// An op result.
#[derive(Debug)]
pub enum Out {
    Array(crate::Array),
    Value(RValue),
}

fn library_error(path: &Path, e: LibraryError) -> Error {
    let host = glass_backend_api::API_VERSION.to_string();
    match e {
        LibraryError::OpenError { err, .. } => Error::NotALibrary {
            path: path.to_path_buf(),
            reason: err.to_string(),
        },
        LibraryError::GetSymbolError { err, .. } => Error::NotAPlugin {
            path: path.to_path_buf(),
            reason: format!("it exports no glass (abi_stable) root module ({err})"),
        },
        LibraryError::IncompatibleVersionNumber { actual_version, .. } => Error::AbiMismatch {
            path: path.to_path_buf(),
            host,
            plugin: actual_version.to_string(),
        },
        LibraryError::ParseVersionError(e) => Error::NotAPlugin {
            path: path.to_path_buf(),
            reason: format!("its version string cannot be read: {e}"),
        },
        LibraryError::AbiInstability(e) => Error::LayoutMismatch {
            path: path.to_path_buf(),
            host,
            reason: first_line(&e.to_string()),
        },
        LibraryError::InvalidAbiHeader(h) => Error::AbiMismatch {
            path: path.to_path_buf(),
            host: format!(
                "{host} (abi_stable header {:?})",
                abi_stable::library::AbiHeader::VALUE
            ),
            plugin: format!("abi_stable header {h:?}"),
        },
        LibraryError::RootModule { err, .. } => Error::NotAPlugin {
            path: path.to_path_buf(),
            reason: format!("its root module failed to initialise: {err}"),
        },
        other => Error::NotAPlugin {
            path: path.to_path_buf(),
            reason: first_line(&other.to_string()),
        },
    }
}

fn first_line(s: &str) -> String {
    let mut lines = s.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next().unwrap_or("").trim().to_string();
    if lines.next().is_some() {
        format!("{first} (...)")
    } else {
        first
    }
}

/// One library found while scanning the plugin directories.
pub struct Discovered {
    pub path: PathBuf,
    pub result: Result<Backend>,
}

/// Scans the search directories for `*glass_backend_*` libraries and tries
/// to load each (a library is reported once, under its first directory).
pub fn discover() -> Vec<Discovered> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for dir in search_dirs() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|f| f.to_str())
                    .is_some_and(|f| name_from_file_name(f).is_some())
            })
            .collect();
        files.sort();
        for path in files {
            let name = path.file_name().map(|f| f.to_os_string());
            if !seen.insert(name) {
                continue;
            }
            let result = Backend::load(&path);
            out.push(Discovered { path, result });
        }
    }
    out
}
