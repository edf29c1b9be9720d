//! A safe wrapper around a raw [`BackendInstance`]: op names resolved to ids
//! once, array handles released on drop, uploads and downloads checked
//! against the arrays' metadata.

use std::cell::RefCell;
use std::collections::HashMap;

use glass_backend_api::reexports::abi_stable::std_types::RResult;
use glass_backend_api::{
    ArrayMeta, BackendError, BackendInfo, BackendInstance, ErrorKind, RValue, RawArray,
};

use crate::host::{numel, HostArray};

/// A backend instance with its op table resolved.
pub struct Session<'i> {
    inst: &'i BackendInstance,
    pub info: BackendInfo,
    ids: HashMap<String, u32>,
    /// The last `Unsupported` error of a call that was expected to succeed.
    unsupported: RefCell<Option<String>>,
}

/// An array owned by the suite; released when dropped.
pub struct Arr<'s> {
    sess: &'s Session<'s>,
    pub raw: RawArray,
}

impl Drop for Arr<'_> {
    fn drop(&mut self) {
        // SAFETY: `raw` came from this instance's `call` and is released once.
        unsafe { self.sess.inst.release(self.raw) }
    }
}

impl Arr<'_> {
    /// The argument that borrows this array.
    pub fn rv(&self) -> RValue {
        RValue::Array(self.raw)
    }
}

/// One result of a call: an owned array or another value.
pub enum Out<'s> {
    Array(Arr<'s>),
    Other(RValue),
}

impl Out<'_> {
    fn kind(&self) -> &'static str {
        match self {
            Out::Array(_) => "array",
            Out::Other(v) => v.type_name(),
        }
    }
}

impl<'i> Session<'i> {
    /// Asks the backend for its info and resolves op ids.
    pub fn new(inst: &'i BackendInstance) -> Result<Session<'i>, String> {
        // SAFETY: a live instance from a backend's `create`.
        let info = match unsafe { inst.info() } {
            RResult::ROk(i) => i,
            RResult::RErr(e) => return Err(format!("info() failed: {e}")),
        };
        let mut ids = HashMap::new();
        for (i, name) in info.ops.iter().enumerate() {
            ids.entry(name.to_string()).or_insert(i as u32);
        }
        Ok(Session {
            inst,
            info,
            ids,
            unsupported: RefCell::new(None),
        })
    }

    /// Whether the backend lists `op`.
    pub fn has(&self, op: &str) -> bool {
        self.ids.contains_key(op)
    }

    /// Calls op number `id` directly (used to probe unknown ids).
    pub fn call_id(&self, id: u32, args: &[RValue]) -> Result<Vec<Out<'_>>, BackendError> {
        // SAFETY: arrays in `args` are live handles of this instance, borrowed
        // for the call; arrays in the result are owned and wrapped in `Arr`.
        let wire = glass_backend_api::value::to_wire(args);
        let r = unsafe { self.inst.call(id, &wire) };
        match r {
            RResult::ROk(v) => {
                let mut out = Vec::with_capacity(v.len());
                let mut unknown = None;
                for x in v {
                    match glass_backend_api::value::from_wire(x) {
                        Ok(RValue::Array(raw)) => out.push(Out::Array(Arr { sess: self, raw })),
                        Ok(other) => out.push(Out::Other(other)),
                        Err(e) => unknown = Some(e),
                    }
                }
                // The arrays already wrapped are released when `out` drops.
                match unknown {
                    Some(e) => Err(e),
                    None => Ok(out),
                }
            }
            RResult::RErr(e) => Err(e),
        }
    }

    /// Calls `op` by name; an op the backend does not list is an
    /// `Unsupported` error here, without calling the backend.
    pub fn call(&self, op: &str, args: &[RValue]) -> Result<Vec<Out<'_>>, BackendError> {
        match self.ids.get(op) {
            Some(&id) => self.call_id(id, args),
            None => Err(BackendError::unsupported(format!(
                "{op} is not listed by the backend"
            ))),
        }
    }

    /// Calls `op` where it must succeed: an error becomes a message, and an
    /// `Unsupported` one is remembered (see [`Session::take_unsupported`]).
    fn call_ok(&self, op: &str, args: &[RValue]) -> Result<Vec<Out<'_>>, String> {
        self.call(op, args).map_err(|e| {
            if e.kind == ErrorKind::Unsupported && self.has(op) {
                *self.unsupported.borrow_mut() = Some(e.message.to_string());
            }
            format!("{op} failed: {e}")
        })
    }

    /// The last `Unsupported` error that a call expected to succeed got
    /// (a backend that lists an op but not every dtype of it), cleared.
    pub fn take_unsupported(&self) -> Option<String> {
        self.unsupported.borrow_mut().take()
    }

    /// Calls `op`, which must return exactly one array.
    pub fn call1(&self, op: &str, args: &[RValue]) -> Result<Arr<'_>, String> {
        let mut out = self.call_ok(op, args)?;
        if out.len() != 1 {
            let kinds: Vec<_> = out.iter().map(|o| o.kind()).collect();
            return Err(format!(
                "{op} returned {kinds:?} where one array was expected"
            ));
        }
        match out.pop() {
            Some(Out::Array(a)) => Ok(a),
            Some(o) => Err(format!(
                "{op} returned a {} where an array was expected",
                o.kind()
            )),
            None => Err(format!("{op} returned nothing")),
        }
    }

    /// Calls `op`, which must return only arrays.
    pub fn call_arrays(&self, op: &str, args: &[RValue]) -> Result<Vec<Arr<'_>>, String> {
        let out = self.call_ok(op, args)?;
        out.into_iter()
            .map(|o| match o {
                Out::Array(a) => Ok(a),
                o => Err(format!(
                    "{op} returned a {} where arrays were expected",
                    o.kind()
                )),
            })
            .collect()
    }

    /// Dtype, shape and device of an array.
    pub fn meta(&self, a: &Arr<'_>) -> Result<ArrayMeta, String> {
        // SAFETY: a live handle of this instance.
        match unsafe { self.inst.meta(a.raw) } {
            RResult::ROk(m) => Ok(m),
            RResult::RErr(e) => Err(format!("meta failed: {e}")),
        }
    }

    /// Uploads a host array with `asarray`.
    pub fn upload(&self, h: &HostArray) -> Result<Arr<'_>, String> {
        let shape: Vec<i64> = h.shape.iter().map(|&n| n as i64).collect();
        self.call1(
            "asarray",
            &[RValue::Buffer(h.to_buffer()), RValue::Ints(shape.into())],
        )
    }

    /// Downloads an array with `to_host`, checking the buffer against the
    /// array's metadata.
    pub fn download(&self, a: &Arr<'_>) -> Result<HostArray, String> {
        let m = self.meta(a)?;
        let shape: Vec<usize> = m.shape.iter().map(|&n| n as usize).collect();
        let mut out = self.call_ok("to_host", &[a.rv()])?;
        let buf = match (out.len(), out.pop()) {
            (1, Some(Out::Other(RValue::Buffer(b)))) => b,
            _ => return Err("to_host did not return one host buffer".into()),
        };
        if buf.dtype() != m.dtype {
            return Err(format!(
                "to_host gave {} data for an array whose meta says {}",
                buf.dtype(),
                m.dtype
            ));
        }
        if buf.len() != numel(&shape) {
            return Err(format!(
                "to_host gave {} elements for an array whose meta says shape {:?}",
                buf.len(),
                shape
            ));
        }
        Ok(HostArray::from_buffer(shape, buf))
    }

    /// Calls `op` and downloads its one array result.
    pub fn eval(&self, op: &str, args: &[RValue]) -> Result<HostArray, String> {
        let a = self.call1(op, args)?;
        self.download(&a)
    }

    /// Calls `op`, which must fail with an error of `kind`.
    pub fn expect_err(
        &self,
        op: &str,
        args: &[RValue],
        kind: ErrorKind,
        what: &str,
    ) -> Result<(), String> {
        match self.call(op, args) {
            // Outside an op's dtype domain the Array API leaves the behaviour
            // to the implementation: a lenient backend may compute a result
            // (NumPy promotes bool to float), a strict one refuses with a
            // DType error. Any other error kind (Internal from a panic, say)
            // fails. Strict refusal is tested in the strict backend's tests.
            Ok(_) if kind == ErrorKind::DType => Ok(()),
            Ok(_) => Err(format!(
                "{op} on {what} succeeded where a {} error was expected",
                kind.name()
            )),
            Err(e) if e.kind == kind => Ok(()),
            Err(e) => Err(format!(
                "{op} on {what} gave a {} error where a {} error was expected ({})",
                e.kind.name(),
                kind.name(),
                e.message
            )),
        }
    }
}
