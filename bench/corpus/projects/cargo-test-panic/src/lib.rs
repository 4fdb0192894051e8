//! A tiny stock keeper.

pub mod stock;

pub use stock::Stock;
