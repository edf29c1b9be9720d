//! Index validation, following array_api_strict's `Array._validate_index`:
//!
//! - at most one ellipsis;
//! - without an ellipsis, every axis must be indexed (no implicit trailing
//!   `...`, the "flat indexing" NumPy allows and the standard does not);
//! - no more single-axis indices than axes;
//! - an integer index `i` on an axis of size `n` needs `-n <= i < n`;
//! - a slice `start:stop:step` on an axis of size `n` needs its given
//!   `start` and `stop` in `[-n, n]` (out-of-bounds slice ends are
//!   unspecified in the standard), and `step != 0`.
//!
//! All of these are `Shape` errors (array_api_strict raises `IndexError`),
//! except a zero step, which is a `Value` error.

use glass_backend_api::{BResult, BackendError, IndexItem};

/// Checks a basic index for an array of shape `shape`.
pub fn validate_index(op: &str, shape: &[usize], index: &[IndexItem]) -> BResult<()> {
    let n_ellipsis = index
        .iter()
        .filter(|i| matches!(i, IndexItem::Ellipsis))
        .count();
    if n_ellipsis > 1 {
        return Err(BackendError::shape(format!(
            "{op}: an index may contain at most one ellipsis, got {n_ellipsis}"
        )));
    }
    let single: Vec<&IndexItem> = index
        .iter()
        .filter(|i| !matches!(i, IndexItem::Ellipsis | IndexItem::NewAxis))
        .collect();
    let ndim = shape.len();
    if single.len() > ndim {
        return Err(BackendError::shape(format!(
            "{op}: too many indices ({}) for an array of {ndim} dimensions",
            single.len()
        )));
    }
    if n_ellipsis == 0 && single.len() < ndim {
        return Err(BackendError::shape(format!(
            "{op}: the array has {ndim} dimensions but the index only specifies {}; \
             add a trailing ellipsis (...) if this was intentional (flat indexing is not \
             specified in the Array API)",
            single.len()
        )));
    }
    for (item, &side) in single
        .iter()
        .zip(indexed_sizes(shape, index, single.len()).iter())
    {
        check_item(op, item, side)?;
    }
    Ok(())
}

/// The axis sizes that the single-axis indices address, in order: the
/// ellipsis stands for the axes that no single-axis index takes.
fn indexed_sizes(shape: &[usize], index: &[IndexItem], n_single: usize) -> Vec<usize> {
    let before = index
        .iter()
        .take_while(|i| !matches!(i, IndexItem::Ellipsis))
        .filter(|i| !matches!(i, IndexItem::NewAxis))
        .count();
    if before == n_single {
        // no ellipsis, or one at the end
        return shape[..n_single].to_vec();
    }
    let after = n_single - before;
    let mut sizes = shape[..before].to_vec();
    sizes.extend_from_slice(&shape[shape.len() - after..]);
    sizes
}

/// Checks one integer or slice index on an axis of size `side`.
fn check_item(op: &str, item: &IndexItem, side: usize) -> BResult<()> {
    let n = side as i64;
    match *item {
        IndexItem::Int(i) => {
            if i < -n || i >= n {
                return Err(BackendError::shape(format!(
                    "{op}: index {i} is out of bounds for an axis of size {side}"
                )));
            }
        }
        IndexItem::Slice {
            start,
            has_start,
            stop,
            has_stop,
            step,
        } => {
            if step == 0 {
                return Err(BackendError::value(format!(
                    "{op}: slice step cannot be zero"
                )));
            }
            for (name, v, has) in [("start", start, has_start), ("stop", stop, has_stop)] {
                if has && (v < -n || v > n) {
                    return Err(BackendError::shape(format!(
                        "{op}: slice {name} {v} is out of bounds for an axis of size {side}; \
                         it should be between -{side} and {side} (or omitted): out-of-bounds \
                         slice ends are not specified in the Array API"
                    )));
                }
            }
        }
        IndexItem::NewAxis | IndexItem::Ellipsis => {}
        _ => {
            return Err(BackendError::value(format!(
                "{op}: an index item of a kind the strict backend does not know"
            )))
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use glass_backend_api::ErrorKind;
    use IndexItem as I;

    fn s(start: Option<i64>, stop: Option<i64>, step: i64) -> IndexItem {
        IndexItem::slice(start, stop, step)
    }

    fn kind(shape: &[usize], index: &[IndexItem]) -> Option<ErrorKind> {
        validate_index("getitem", shape, index)
            .err()
            .map(|e| e.kind)
    }

    #[test]
    fn in_range_indices_are_accepted() {
        assert_eq!(kind(&[5], &[I::Int(4)]), None);
        assert_eq!(kind(&[5], &[I::Int(-5)]), None);
        assert_eq!(kind(&[5], &[s(Some(-5), Some(5), 1)]), None);
        assert_eq!(kind(&[5], &[s(Some(5), None, 1)]), None);
        assert_eq!(kind(&[5], &[s(None, None, -1)]), None);
        assert_eq!(kind(&[0], &[s(Some(0), Some(0), 1)]), None);
        assert_eq!(kind(&[3, 4], &[I::Int(1), I::Ellipsis]), None);
        assert_eq!(kind(&[3, 4], &[I::Ellipsis, I::Int(3)]), None);
        assert_eq!(
            kind(&[3, 4], &[I::NewAxis, I::FULL, I::NewAxis, I::Int(0)]),
            None
        );
        assert_eq!(kind(&[], &[]), None);
        assert_eq!(kind(&[], &[I::Ellipsis, I::NewAxis]), None);
    }

    #[test]
    fn out_of_range_integers_are_shape_errors() {
        assert_eq!(kind(&[5], &[I::Int(5)]), Some(ErrorKind::Shape));
        assert_eq!(kind(&[5], &[I::Int(-6)]), Some(ErrorKind::Shape));
        assert_eq!(kind(&[0], &[I::Int(0)]), Some(ErrorKind::Shape));
        // the ellipsis shifts the checked axis to the last one, of size 4
        assert_eq!(
            kind(&[9, 4], &[I::Ellipsis, I::Int(5)]),
            Some(ErrorKind::Shape)
        );
    }

    #[test]
    fn out_of_range_slices_are_shape_errors() {
        assert_eq!(kind(&[5], &[s(Some(6), None, 1)]), Some(ErrorKind::Shape));
        assert_eq!(kind(&[5], &[s(None, Some(6), 1)]), Some(ErrorKind::Shape));
        assert_eq!(kind(&[5], &[s(Some(-6), None, 1)]), Some(ErrorKind::Shape));
        assert_eq!(kind(&[5], &[s(None, Some(-6), -1)]), Some(ErrorKind::Shape));
        assert_eq!(
            kind(&[2, 5], &[I::FULL, s(None, Some(10), 1)]),
            Some(ErrorKind::Shape)
        );
        let e = validate_index("getitem", &[5], &[s(None, Some(10), 1)]).unwrap_err();
        assert!(
            e.message.contains("getitem") && e.message.contains("10"),
            "{}",
            e.message
        );
    }

    #[test]
    fn structural_errors() {
        assert_eq!(
            kind(&[5], &[I::Ellipsis, I::Ellipsis]),
            Some(ErrorKind::Shape)
        );
        assert_eq!(kind(&[5], &[I::Int(0), I::Int(0)]), Some(ErrorKind::Shape));
        // flat indexing
        assert_eq!(kind(&[3, 4], &[I::Int(0)]), Some(ErrorKind::Shape));
        assert_eq!(kind(&[5], &[s(None, None, 0)]), Some(ErrorKind::Value));
    }
}
