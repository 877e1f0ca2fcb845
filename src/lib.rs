//! Bayanihan: the backend of a learning cloud and community of practice for trade unions.

pub mod config;
pub mod db;
pub mod error;
pub mod health;
pub mod http;
pub mod openapi;
pub mod organisations;
pub mod seed;
pub mod startup;
pub mod telemetry;
pub mod types;
