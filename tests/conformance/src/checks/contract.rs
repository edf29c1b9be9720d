//! Checks of the contract itself: the info block, unknown op ids, and the
//! transfers every backend must have.

use glass_backend_api::{ErrorKind, Op, RValue, API_VERSION, OP_LIST_VERSION};

use super::CONTRACT_OP;
use crate::Check;

/// Every contract-level check.
pub(crate) fn checks() -> Vec<Check> {
    vec![
        Check::new(CONTRACT_OP, "info", |ctx| {
            let info = &ctx.s.info;
            if info.name.is_empty() {
                return Err("info().name is empty".into());
            }
            if info.api_version.as_str() != API_VERSION {
                return Err(format!(
                    "info().api_version is {} but this suite was built against {API_VERSION}",
                    info.api_version
                )
                .into());
            }
            if info.op_list_version > OP_LIST_VERSION {
                return Err(format!(
                    "info().op_list_version {} is newer than the suite's {OP_LIST_VERSION}",
                    info.op_list_version
                )
                .into());
            }
            if info.devices.is_empty() {
                return Err("info().devices is empty (device 0 must exist)".into());
            }
            let mut names: Vec<&str> = info.ops.iter().map(|s| s.as_str()).collect();
            names.sort_unstable();
            if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
                return Err(format!("info().ops lists {:?} twice", w[0]).into());
            }
            Ok(())
        }),
        Check::new(CONTRACT_OP, "transfers_listed", |ctx| {
            for op in [Op::Asarray, Op::ToHost] {
                if !ctx.s.has(op.name()) {
                    return Err(format!("every backend must list {op}").into());
                }
            }
            Ok(())
        }),
        Check::new(CONTRACT_OP, "unknown_op_id", |ctx| {
            let id = ctx.s.info.ops.len() as u32 + 7;
            match ctx.s.call_id(id, &[RValue::Int(1)]) {
                Ok(_) => Err(format!("op id {id} (past the end of the op list) succeeded").into()),
                Err(e) if e.kind == ErrorKind::Unsupported => Ok(()),
                Err(e) => Err(format!(
                    "op id {id} gave a {} error where Unsupported was expected",
                    e.kind.name()
                )
                .into()),
            }
        }),
        Check::new(Op::Sync.name(), "waits_and_returns_nothing", |ctx| {
            ctx.require(&["sync"])?;
            match ctx.s.call("sync", &[]) {
                Ok(out) if out.is_empty() => Ok(()),
                Ok(out) => Err(format!(
                    "sync returned {} values where nothing was expected",
                    out.len()
                )
                .into()),
                Err(e) => Err(format!("sync failed: {e}").into()),
            }
        }),
        Check::new(CONTRACT_OP, "bad_arguments", |ctx| {
            ctx.require(&["add"])?;
            // Arguments of the wrong kind are errors, never crashes.
            match ctx.s.call(
                "add",
                &[RValue::Str("x".into()), RValue::Ints(vec![1].into())],
            ) {
                Ok(_) => Err("add(str, ints) succeeded".into()),
                Err(e) if e.kind == ErrorKind::Internal => {
                    Err(format!("add(str, ints) gave an Internal error: {}", e.message).into())
                }
                Err(_) => Ok(()),
            }
        }),
    ]
}
