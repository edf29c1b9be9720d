//! Random draws (pending the reference generator).
