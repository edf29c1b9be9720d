//! The command's errors: the library's, or a misuse of the command line.

/// What a subcommand can fail with. Printed as `error: {self}`, exit 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Glass(#[from] glass::Error),
    /// Arguments that clap accepted but that do not fit together.
    #[error("{0}")]
    Usage(String),
    /// A config file that cannot be read or holds something wrong: the
    /// file (with line and column where known) and what is wrong.
    #[error("{file}: {message}")]
    Config { file: String, message: String },
    /// A config key whose value cannot be used, and what to do.
    #[error("config key `{key}`: {message}")]
    Key { key: String, message: String },
    /// An output that cannot be written (what and why).
    #[error("{0}")]
    Output(String),
    /// An error that another process reports: under MPI, rank 0 prints the
    /// error of a step that failed on some rank; the other ranks exit 2
    /// without a word.
    #[error("reported by rank 0")]
    Elsewhere,
}

pub type CliResult<T> = Result<T, CliError>;

/// A [`CliError::Key`].
pub fn key_err(key: impl Into<String>, message: impl Into<String>) -> CliError {
    CliError::Key {
        key: key.into(),
        message: message.into(),
    }
}

/// A [`CliError::Output`] for an I/O error on `path`: `path: error`.
pub fn io_err(path: &std::path::Path) -> impl Fn(std::io::Error) -> CliError + '_ {
    move |e| CliError::Output(format!("{}: {e}", path.display()))
}
