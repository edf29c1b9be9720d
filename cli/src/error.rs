//! The command's errors: the library's, or a misuse of the command line.

/// What a subcommand can fail with. Printed as `error: {self}`, exit 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Glass(#[from] glass::Error),
    /// Arguments that clap accepted but that do not fit together.
    #[error("{0}")]
    Usage(String),
}

pub type CliResult<T> = Result<T, CliError>;
