//! A check of a shared library's ELF file before `dlopen` maps it.
//!
//! `dlopen` maps the file's loadable segments and touches them; a file cut
//! short (a library cargo is still linking, a partial copy) then kills the
//! process with SIGBUS inside the dynamic loader, where no error can be
//! returned. So before loading, the host reads the ELF header (System V
//! ABI, "ELF-64 Object File Format" / gABI ch. 4) and its program headers
//! and checks that every `PT_LOAD` and `PT_DYNAMIC` segment lies within the
//! file, and that the header and program-header table do.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

const PT_LOAD: u64 = 1;
const PT_DYNAMIC: u64 = 2;
/// More program headers than any real library has (a guard against a
/// header that asks for a huge read).
const MAX_PHNUM: u64 = 4096;

/// Reads integers of the file's class and byte order.
struct Fields {
    big: bool,
}

impl Fields {
    fn u16(&self, b: &[u8], at: usize) -> u64 {
        let x = [b[at], b[at + 1]];
        u64::from(if self.big {
            u16::from_be_bytes(x)
        } else {
            u16::from_le_bytes(x)
        })
    }
    fn u32(&self, b: &[u8], at: usize) -> u64 {
        let mut x = [0u8; 4];
        x.copy_from_slice(&b[at..at + 4]);
        u64::from(if self.big {
            u32::from_be_bytes(x)
        } else {
            u32::from_le_bytes(x)
        })
    }
    fn u64(&self, b: &[u8], at: usize) -> u64 {
        let mut x = [0u8; 8];
        x.copy_from_slice(&b[at..at + 8]);
        if self.big {
            u64::from_be_bytes(x)
        } else {
            u64::from_le_bytes(x)
        }
    }
}

/// `Ok` when `path` is an ELF file whose header, program headers and
/// loadable segments all lie within it; otherwise the reason, for the
/// user (`NotALibrary`).
pub(crate) fn check_shared_object(path: &Path) -> Result<(), String> {
    let mut f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let len = f.metadata().map_err(|e| e.to_string())?.len();
    let mut head = [0u8; 64];
    let n = read_up_to(&mut f, &mut head).map_err(|e| e.to_string())?;
    if n < 16 || head[..4] != *b"\x7fELF" {
        return Err("not an ELF file (no ELF magic number at its start)".into());
    }
    let wide = match head[4] {
        1 => false,
        2 => true,
        c => return Err(format!("an ELF file of unknown class {c}")),
    };
    let fields = Fields {
        big: match head[5] {
            1 => false,
            2 => true,
            d => return Err(format!("an ELF file of unknown byte order {d}")),
        },
    };
    let ehsize = if wide { 64 } else { 52 };
    if n < ehsize {
        return Err(format!(
            "truncated: {len} bytes, shorter than its ELF header ({ehsize} bytes)"
        ));
    }
    let (phoff, phentsize, phnum) = if wide {
        (
            fields.u64(&head, 32),
            fields.u16(&head, 54),
            fields.u16(&head, 56),
        )
    } else {
        (
            fields.u32(&head, 28),
            fields.u16(&head, 42),
            fields.u16(&head, 44),
        )
    };
    let entry = if wide { 56 } else { 32 };
    if phnum == 0 {
        return Err("an ELF file without program headers: not a shared library".into());
    }
    if phentsize < entry || phnum > MAX_PHNUM {
        return Err(format!(
            "a corrupt ELF header ({phnum} program headers of {phentsize} bytes)"
        ));
    }
    let table_end = phentsize
        .checked_mul(phnum)
        .and_then(|t| t.checked_add(phoff))
        .ok_or("a corrupt ELF header (program headers beyond 2^64 bytes)")?;
    if table_end > len {
        return Err(format!(
            "truncated: {len} bytes, but its program headers end at byte {table_end} \
             (a partial copy, or a library still being linked?)"
        ));
    }
    let mut table = vec![0u8; (phentsize * phnum) as usize];
    f.seek(SeekFrom::Start(phoff))
        .and_then(|_| f.read_exact(&mut table))
        .map_err(|e| e.to_string())?;
    for (i, ph) in table.chunks_exact(phentsize as usize).enumerate() {
        let kind = fields.u32(ph, 0);
        if kind != PT_LOAD && kind != PT_DYNAMIC {
            continue;
        }
        let (offset, filesz) = if wide {
            (fields.u64(ph, 8), fields.u64(ph, 32))
        } else {
            (fields.u32(ph, 4), fields.u32(ph, 16))
        };
        let end = offset.checked_add(filesz).ok_or_else(|| {
            format!("a corrupt ELF program header {i} (a segment beyond 2^64 bytes)")
        })?;
        if end > len {
            return Err(format!(
                "truncated: {len} bytes, but its segment {i} ends at byte {end} \
                 (a partial copy, or a library still being linked?)"
            ));
        }
    }
    Ok(())
}

fn read_up_to(f: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::check_shared_object;

    fn scratch(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let p = std::env::temp_dir().join(format!("glass-elf-{name}-{}", std::process::id()));
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// The test executable itself is a whole ELF file; cut copies of it are
    /// refused with "truncated", at every length tried.
    #[test]
    fn whole_files_pass_and_cut_ones_are_truncated() {
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        let p = scratch("whole", &exe);
        assert_eq!(check_shared_object(&p), Ok(()));
        for cut in [20, 63, 64, 200, 4096] {
            let q = scratch("cut", &exe[..cut]);
            let e = check_shared_object(&q).unwrap_err();
            assert!(e.contains("truncated"), "cut at {cut}: {e}");
            std::fs::remove_file(q).unwrap();
        }
        // further in, a cut may fall in the sections that are not loaded
        // (symbols, debug information), which dlopen never reads
        for cut in [exe.len() / 3, exe.len() / 2, exe.len() - 1] {
            let q = scratch("cut", &exe[..cut]);
            if let Err(e) = check_shared_object(&q) {
                assert!(e.contains("truncated"), "cut at {cut}: {e}");
            }
            std::fs::remove_file(q).unwrap();
        }
        std::fs::remove_file(p).unwrap();
    }

    #[test]
    fn other_files_are_named_for_what_they_are() {
        let p = scratch("text", b"#!/bin/sh\necho hello\n");
        assert!(check_shared_object(&p).unwrap_err().contains("not an ELF"));
        let mut h = b"\x7fELF".to_vec();
        h.extend([9u8; 60]);
        std::fs::write(&p, &h).unwrap();
        assert!(check_shared_object(&p).unwrap_err().contains("class 9"));
        std::fs::remove_file(p).unwrap();
    }
}
