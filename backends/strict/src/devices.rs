//! The three fake devices, as in array_api_strict: `CPU_DEVICE` (id 0, the
//! default), `device1` and `device2`. They all compute on the CPU; their
//! purpose is to catch code that mixes arrays of different devices, which a
//! real multi-device library refuses.

use glass_backend_api::{Args, BResult, BackendError, RValue};

use crate::StrictArray;

/// Device names; the index is the device id used in op arguments.
pub const DEVICES: [&str; 3] = ["CPU_DEVICE", "device1", "device2"];

/// The name of a device id (ids are checked when arrays are made, so an
/// unknown one only shows up in messages about bad arguments).
pub fn name(id: u32) -> String {
    match DEVICES.get(id as usize) {
        Some(n) => (*n).to_string(),
        None => format!("<unknown device {id}>"),
    }
}

/// Checks a device argument: an id in `0..3`.
pub fn check_id(op: &str, id: i64) -> BResult<u32> {
    match u32::try_from(id) {
        Ok(d) if (d as usize) < DEVICES.len() => Ok(d),
        _ => Err(BackendError::device(format!(
            "{op}: unknown device {id}; the strict backend has devices 0 ({}), 1 ({}) and 2 ({})",
            DEVICES[0], DEVICES[1], DEVICES[2]
        ))),
    }
}

/// The device argument at position `i` (default device 0 when omitted).
pub fn arg(args: &Args<'_, StrictArray>, i: usize) -> BResult<u32> {
    check_id(args.op(), args.int_or(i, 0)?)
}

/// The device shared by every array argument, or `None` when there are no
/// array arguments. Arrays on different devices are a `Device` error naming
/// both, as array_api_strict raises for them.
pub fn common(args: &Args<'_, StrictArray>) -> BResult<Option<u32>> {
    let mut seen: Option<u32> = None;
    for i in 0..args.len() {
        if !matches!(args.raw(i), Some(RValue::Array(_))) {
            continue;
        }
        let d = args.array(i)?.device();
        match seen {
            None => seen = Some(d),
            Some(s) if s != d => {
                return Err(BackendError::device(format!(
                    "{}: arrays from two different devices ({} and {}) can not be combined; \
                     move one with to_device",
                    args.op(),
                    name(s),
                    name(d)
                )))
            }
            Some(_) => {}
        }
    }
    Ok(seen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use glass_backend_api::ErrorKind;

    #[test]
    fn ids_in_range_are_accepted() {
        assert_eq!(check_id("zeros", 0).unwrap(), 0);
        assert_eq!(check_id("zeros", 2).unwrap(), 2);
    }

    #[test]
    fn unknown_ids_are_device_errors() {
        for id in [3, -1, i64::MAX] {
            let e = check_id("zeros", id).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Device);
            assert!(e.message.contains("zeros"), "{}", e.message);
        }
    }

    #[test]
    fn names() {
        assert_eq!(name(0), "CPU_DEVICE");
        assert_eq!(name(2), "device2");
        assert!(name(7).contains('7'));
    }
}
