//! Revisions to compare: git commits checked out in worktrees under
//! `target/bench-compare/worktrees/`, or `local`, the working tree itself
//! (uncommitted changes included).

use std::path::{Path, PathBuf};
use std::process::Command;

/// A revision named on the command line, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Revision {
    /// A commit (full hash), named `spec` on the command line.
    Commit {
        /// What the user wrote (`HEAD~1`, `main`, ...).
        spec: String,
        /// The full commit hash.
        sha: String,
    },
    /// The working tree as it is.
    Local,
}

impl Revision {
    /// A short label for baselines and the table: the commit's first 10
    /// hex digits, or `local`.
    pub fn label(&self) -> String {
        match self {
            Revision::Commit { sha, .. } => sha.chars().take(10).collect(),
            Revision::Local => "local".into(),
        }
    }

    /// What the user wrote, with the commit: `HEAD~1 (0123456789)`.
    pub fn describe(&self) -> String {
        match self {
            Revision::Commit { spec, .. } => format!("{spec} ({})", self.label()),
            Revision::Local => "local (working tree)".into(),
        }
    }
}

/// Whether a revision name is safe to hand to git as a revision (not an
/// option, no whitespace or control characters).
pub fn check_spec(spec: &str) -> Result<(), String> {
    if spec.is_empty() {
        return Err("empty revision name".into());
    }
    if spec.starts_with('-') {
        return Err(format!("revision '{spec}' looks like an option"));
    }
    if spec.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "revision '{spec}' contains whitespace or control characters"
        ));
    }
    Ok(())
}

/// Runs git in `dir` and returns its trimmed standard output.
pub fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The top directory of the git working tree that contains `dir`.
pub fn repo_root(dir: &Path) -> Result<PathBuf, String> {
    git(dir, &["rev-parse", "--show-toplevel"])
        .map(PathBuf::from)
        .map_err(|e| format!("not inside a git working tree ({e})"))
}

/// Resolves `spec` (`local`, or anything git accepts as a commit).
pub fn resolve(root: &Path, spec: &str) -> Result<Revision, String> {
    check_spec(spec)?;
    if spec == "local" {
        return Ok(Revision::Local);
    }
    let sha = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{spec}^{{commit}}"),
        ],
    )
    .map_err(|_| format!("unknown revision '{spec}': not a commit of this repository"))?;
    Ok(Revision::Commit {
        spec: spec.to_string(),
        sha,
    })
}

/// The source directory of a revision: the working tree for `local`, else
/// the worktree `<work>/worktrees/<role>` moved to the commit (created on
/// first use). One worktree per role, reused between runs, keeps cargo's
/// build of it incremental: a new commit rebuilds only the crates it
/// changes (cargo tells builds of the same crate apart by path).
pub fn checkout(root: &Path, rev: &Revision, work: &Path, role: &str) -> Result<PathBuf, String> {
    let sha = match rev {
        Revision::Local => return Ok(root.to_path_buf()),
        Revision::Commit { sha, .. } => sha,
    };
    let dir = work.join("worktrees").join(role);
    // Forget worktrees whose folder was deleted (e.g. by `cargo clean`).
    git(root, &["worktree", "prune"])?;
    if dir.join(".git").exists() {
        if git(&dir, &["rev-parse", "HEAD"]).ok().as_deref() == Some(sha.as_str()) {
            return Ok(dir);
        }
        git(&dir, &["checkout", "--quiet", "--force", "--detach", sha])?;
        git(&dir, &["clean", "--quiet", "--force", "-d"])?;
        return Ok(dir);
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .map_err(|e| format!("cannot remove stale {}: {e}", dir.display()))?;
    }
    let d = dir
        .to_str()
        .ok_or_else(|| format!("path {} is not UTF-8", dir.display()))?;
    git(root, &["worktree", "add", "--quiet", "--detach", d, sha])?;
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_option_like_and_odd_names() {
        assert!(check_spec("HEAD~1").is_ok());
        assert!(check_spec("--exec=rm").unwrap_err().contains("option"));
        assert!(check_spec("a b").is_err());
        assert!(check_spec("").is_err());
    }

    #[test]
    fn resolves_revisions_of_this_repository() {
        let root = repo_root(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        assert_eq!(resolve(&root, "local").unwrap(), Revision::Local);
        let head = resolve(&root, "HEAD").unwrap();
        match &head {
            Revision::Commit { sha, .. } => assert_eq!(sha.len(), 40),
            Revision::Local => panic!("HEAD resolved to local"),
        }
        assert_eq!(head.label().len(), 10);
        let err = resolve(&root, "no-such-branch-xyz").unwrap_err();
        assert!(
            err.contains("unknown revision 'no-such-branch-xyz'"),
            "{err}"
        );
    }
}
