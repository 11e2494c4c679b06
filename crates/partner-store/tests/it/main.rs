//! Contract suite
