//! The engine's operations end to end over a real store: world files, authorization, audit.

mod operations;
mod support;
mod world;
